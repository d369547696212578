// The ring of lines the engine puts aside (rules/deferred-lines.ts) against a plain array model:
// the same lines come back, in order, after growing, dropping and copying out of a reused buffer.
import { describe, expect, it } from "vitest";
import { DeferredLines } from "../rules/deferred-lines.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function drained(ring: DeferredLines): [number, string][] {
  const out: [number, string][] = [];
  ring.drain((index, line, start, end) =>
    out.push([index, typeof line === "string" ? line.slice(start, end) : decoder.decode(line.subarray(start, end))]),
  );
  return out;
}

describe("DeferredLines", () => {
  it("keeps the lines within the window, in order, through growth and wrap-around", () => {
    const ring = new DeferredLines();
    const model: [number, string][] = [];
    for (let i = 0; i < 1000; i++) {
      const text = `line ${i}`;
      // Every third index is skipped and the window is 150 indexes wide: the ring wraps many
      // times and grows past its first 64 slots.
      if (i % 3 === 0) continue;
      ring.push(i, `xx${text}yy`, 2, 2 + text.length, i - 150);
      model.push([i, text]);
      while (model[0]![0] < i - 150) model.shift();
    }
    expect(ring.size).toBe(model.length);
    expect(drained(ring)).toEqual(model);
    expect(ring.size).toBe(0);
    expect(drained(ring)).toEqual([]);
  });

  it("copies the lines that point into a chunk before the chunk is reused", () => {
    const ring = new DeferredLines();
    const chunk = encoder.encode("a first\nb second\nc third\n");
    ring.push(1, "kept as text", 0, 4, 0);
    ring.push(2, chunk, 8, 16, 0);
    ring.push(4, chunk, 17, 24, 0);
    ring.keep(chunk);
    chunk.fill(0x3f); // the caller reads its next input into the same buffer
    expect(drained(ring)).toEqual([
      [1, "kept"],
      [2, "b second"],
      [4, "c third"],
    ]);
  });

  it("copies lines one by one when they are far apart in the chunk", () => {
    const ring = new DeferredLines();
    const filler = "x".repeat(100_000);
    const chunk = encoder.encode(`near one\n${filler}\nnear two\n`);
    const second = chunk.length - "near two\n".length;
    ring.push(0, chunk, 0, 8, 0);
    ring.push(2, chunk, second, second + 8, 0);
    ring.keep(chunk);
    chunk.fill(0x3f);
    expect(drained(ring)).toEqual([
      [0, "near one"],
      [2, "near two"],
    ]);
  });
});
