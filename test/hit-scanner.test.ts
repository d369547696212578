// The WebAssembly hit scanner against the JavaScript one (Automaton.findBytes): the same hits, in
// the same order, with the same states, on pieces that run all streams (where the streams meet
// in the middle of lines and of literals) and on pieces that fall back to one stream. Then the
// engine on logs big enough to take the many-stream path, against the reference engine.
import { describe, expect, it } from "vitest";
import { loadArticles } from "../rules/build-rules.js";
import { readArticle } from "../rules/compile.js";
import { createDiagnoser, createMatcher } from "../rules/engine.js";
import { ruleset } from "../rules/generated/ruleset.js";
import { JsHitScanner, WasmHitScanner, createHitScanner, type HitScanner } from "../rules/hit-scanner.js";

const matcher = createMatcher(ruleset);
const automaton = matcher.scanner!;
const wasm = new WasmHitScanner(automaton);
const js = new JsHitScanner(automaton);
const encoder = new TextEncoder();
const STREAM = wasm.distance; // how far apart the streams start
const STREAMS = wasm.streams;
const LITERALS = automaton.literals.map((l) => encoder.encode(l));

/** xorshift32: a repeatable draw, so that a failure shows again with the same seed. */
function random(seed: number): (n: number) => number {
  let x = seed || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

const WORDS = ["(00.012345)", "1234:", "Dumping", "path", "mnt_id", "0x7f00", "fd", "=", "restoring", "pie:", "cr-dump.c", "[", "]", "ok"].map((w) =>
  encoder.encode(w),
);

/**
 * `size` bytes of lines of 20 to 200 bytes: log-like words, whole literals and literal prefixes
 * (or only the words).
 */
function lines(size: number, seed: number, literals = true): Uint8Array {
  const rnd = random(seed);
  const out = new Uint8Array(size);
  let p = 0;
  let lineEnd = 20 + rnd(180);
  while (p < size) {
    const pick = rnd(10);
    const lit = LITERALS[rnd(LITERALS.length)]!;
    const word = pick < 6 || !literals ? WORDS[rnd(WORDS.length)]! : pick < 8 ? lit : lit.subarray(0, 1 + rnd(lit.length));
    for (let i = 0; i < word.length && p < size; i++) out[p++] = word[i]!;
    if (p < size) out[p++] = p >= lineEnd ? 10 : 32;
    if (out[p - 1] === 10) lineEnd = p + 20 + rnd(180);
  }
  out[size - 1] = 10;
  return out;
}

/** Writes `literal` so that it covers `at` (the first of its bytes at `at - shift`). */
function plant(buf: Uint8Array, literal: Uint8Array, at: number, shift: number) {
  buf.set(literal, Math.max(0, at - shift));
}

function hitsOf(scanner: HitScanner, buf: Uint8Array, from: number, to: number): number[] {
  const n = scanner.scan(buf, from, to);
  return Array.from(scanner.hits.subarray(0, 2 * n));
}

function expectSameHits(buf: Uint8Array, from: number, to: number) {
  const want = hitsOf(js, buf, from, to);
  expect(want.length).toBeGreaterThan(0);
  expect(hitsOf(wasm, buf, from, to)).toEqual(want);
}

describe("WasmHitScanner", () => {
  it("finds what findBytes finds on full pieces, with literals across every meeting point of the streams", () => {
    for (let seed = 1; seed <= 24; seed++) {
      const rnd = random(seed * 7919);
      const buf = lines(wasm.piece, seed);
      for (let k = 1; k < STREAMS; k++) {
        const lit = LITERALS[rnd(LITERALS.length)]!;
        plant(buf, lit, k * STREAM, seed % (lit.length + 1));
      }
      expectSameHits(buf, 0, buf.length);
    }
  });

  it("when a newline sits right at or right before a meeting point, or a literal ends or starts there", () => {
    const lit = encoder.encode("Error");
    for (const layout of ["nl-at", "nl-before", "ends-before", "starts-at"]) {
      const buf = lines(wasm.piece, layout.length);
      for (let k = 1; k < STREAMS; k++) {
        const at = k * STREAM;
        if (layout === "nl-at") buf[at] = 10;
        if (layout === "nl-before") buf[at - 1] = 10;
        if (layout === "ends-before") buf.set(lit, at - lit.length);
        if (layout === "starts-at") buf.set(lit, at);
      }
      expectSameHits(buf, 0, buf.length);
    }
  });

  it("drops a stream's hits and scans its segment again when the stream meets a state never entered", () => {
    const fresh = new WasmHitScanner(automaton);
    const known = encoder.encode(" CRIU ");
    const first = lines(fresh.piece, 11, false);
    for (let at = 1000; at < first.length; at += 100_000) first.set(known, at);
    expect(hitsOf(fresh, first, 0, first.length)).toEqual(hitsOf(js, first, 0, first.length));
    // The third stream finds the literal it has seen, then one it has not: the scan loop cannot
    // take that transition, so the segment is scanned again, and its first hit must not come twice.
    const second = lines(fresh.piece, 12, false);
    second.set(known, 2 * STREAM + 1000);
    second.set(encoder.encode(" Error "), 2 * STREAM + 60_000);
    const before = fresh.rescans;
    expect(hitsOf(fresh, second, 0, second.length)).toEqual(hitsOf(js, second, 0, second.length));
    expect(fresh.rescans).toBeGreaterThan(before);
    // Its table now knows the way: the same piece again needs no second scan.
    const after = fresh.rescans;
    expect(hitsOf(fresh, second, 0, second.length)).toEqual(hitsOf(js, second, 0, second.length));
    expect(fresh.rescans).toBe(after);
  });

  it("on partial pieces, at an offset into the buffer, and with a line longer than a stream's segment", () => {
    const big = lines(wasm.piece + 5000, 99);
    expectSameHits(big, 5000, big.length); // a full piece that starts 5000 bytes in
    expectSameHits(big, 0, big.lastIndexOf(10, wasm.piece - 100) + 1); // just under a piece: all streams
    expectSameHits(big, 0, big.lastIndexOf(10, (STREAMS - 1) * STREAM + 1000) + 1); // too short for all streams: one
    const long = lines(wasm.piece, 7);
    long.fill(0x61, 2 * STREAM - 10, 3 * STREAM + 10); // no newline in the third segment
    plant(long, encoder.encode("CRIU"), 2 * STREAM + 500, 0);
    expectSameHits(long, 0, long.length);
  });

  it("scans its read buffer in place, and a copied piece does not disturb what it holds", () => {
    const data = lines(wasm.piece, 5);
    const own = wasm.readBuffer();
    expect(own.length).toBe(wasm.piece);
    own.set(data);
    const want = hitsOf(js, data, 0, data.length);
    expect(hitsOf(wasm, own, 0, own.length)).toEqual(want);
    const from = data.indexOf(10, 1000) + 1;
    expect(hitsOf(wasm, own, from, data.length)).toEqual(hitsOf(js, data, from, data.length));
    const other = lines(4096, 6);
    expectSameHits(other, 0, other.length); // copied in: the read buffer must be left as it was
    expect(own).toEqual(data);
  });

  it("counts newlines as a plain loop does, over ranges of any length and alignment", () => {
    const buf = lines(wasm.piece, 3);
    wasm.scan(buf, 0, buf.length);
    const rnd = random(42);
    const count = (a: number, b: number) => buf.subarray(a, b).reduce((n, x) => n + (x === 10 ? 1 : 0), 0);
    const ranges: [number, number][] = [
      [0, buf.length],
      [0, 0],
      [5, 20],
      [17, 17 + 255 * 16 + 3],
    ];
    for (let i = 0; i < 200; i++) {
      const a = rnd(buf.length);
      ranges.push([a, a + rnd(Math.min(buf.length - a, i < 100 ? 64 : 300000) + 1)]);
    }
    for (const [a, b] of ranges) expect(wasm.newlines(a, b)).toBe(count(a, b));
  });

  it("refuses a piece over its size", () => {
    expect(() => wasm.scan(new Uint8Array(wasm.piece + 1), 0, wasm.piece + 1)).toThrow(RangeError);
  });

  it("is what createHitScanner gives where WebAssembly runs", () => {
    expect(createHitScanner(automaton)).toBeInstanceOf(WasmHitScanner);
  });
});

describe("the engine on logs that take the many-stream path", () => {
  const examples = loadArticles().flatMap((src) => readArticle(src).frontmatter.examples.flatMap((ex) => ex.split("\n")).filter((l) => l.trim()));

  /** ~3 MiB: filler lines, with every article's example lines scattered through. */
  function bigLog(seed: number): string {
    const rnd = random(seed);
    const filler = new TextDecoder().decode(lines(3 << 20, seed)).split("\n");
    for (const line of examples) filler.splice(rnd(filler.length), 0, line);
    return filler.join("\n") + "\n";
  }

  it("gives the reference engine's diagnosis when fed through its read buffer, as the CLI does", () => {
    const log = bigLog(13);
    const want = createDiagnoser(matcher, { plain: true }).push(log).end();
    expect(want.findings.length).toBeGreaterThan(10);
    const bytes = encoder.encode(log);
    const d = createDiagnoser(matcher);
    const buf = d.readBuffer();
    for (let o = 0; o < bytes.length; o += buf.length) {
      const chunk = bytes.subarray(o, o + buf.length);
      buf.set(chunk);
      d.pushBytes(buf.subarray(0, chunk.length));
    }
    expect(d.end()).toEqual(want);
  });

  it("gives the same diagnosis where WebAssembly is missing (the JavaScript scanner)", () => {
    const log = bigLog(14);
    const noWasm = createMatcher(ruleset);
    noWasm.hitScanner = new JsHitScanner(noWasm.scanner!);
    const d = createDiagnoser(noWasm).pushBytes(encoder.encode(log));
    expect(noWasm.hitScanner).toBeInstanceOf(JsHitScanner);
    expect(d.end()).toEqual(createDiagnoser(matcher, { plain: true }).push(log).end());
  });

  it("gives the reference engine's diagnosis, pushed as bytes in pieces of any size", () => {
    for (const seed of [11, 12]) {
      const log = bigLog(seed);
      const want = createDiagnoser(matcher, { plain: true }).push(log).end();
      expect(want.findings.length).toBeGreaterThan(10);
      const bytes = encoder.encode(log);
      for (const size of [bytes.length, 1 << 20, (5 << 20) / 4 + 7, 777777]) {
        const d = createDiagnoser(matcher);
        for (let o = 0; o < bytes.length; o += size) d.pushBytes(bytes.subarray(o, o + size));
        expect(d.end()).toEqual(want);
      }
    }
  });
});
