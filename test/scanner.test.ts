// The Aho-Corasick automaton against a naive search: which literals occur in a text, where the
// first one ends, the lines passed before it, and resuming after a hit. Small alphabets make
// literals overlap and share prefixes, which is where failure links and lazily worked-out
// transitions go wrong.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Automaton } from "../rules/scanner.js";

const SEED = Number(process.env.FC_SEED) || (process.env.CI ? 20261127 : undefined);
const unit = fc.constantFrom("a", "b", "c", "ab", "é", "\n", " ", "E", "rr");
const literal = fc.array(fc.constantFrom("a", "b", "c", "é", "E", "r"), { minLength: 1, maxLength: 6 }).map((a) => a.join(""));
const text = fc.array(unit, { maxLength: 80 }).map((a) => a.join(""));
const literals = fc.array(literal, { minLength: 1, maxLength: 12 });

/** Where the first literal ends in s[from, to) (the index of its last unit), or -1. */
function naiveFirstEnd(lits: readonly string[], s: string, from: number, to: number): number {
  for (let end = from; end < to; end++) {
    for (const l of lits) if (end + 1 - l.length >= from && s.startsWith(l, end + 1 - l.length)) return end;
  }
  return -1;
}

describe("Automaton", () => {
  it("finds exactly the literals a naive search finds", () => {
    fc.assert(
      fc.property(literals, text, (lits, s) => {
        const a = new Automaton(lits);
        const want = new Set(a.literals.map((l, i) => (s.includes(l) ? i : -1)).filter((i) => i >= 0));
        expect(a.matches(s)).toEqual(want);
      }),
      { numRuns: 400, seed: SEED },
    );
  });

  it("stops where the first literal ends, counts the newlines before it, and resumes after it", () => {
    fc.assert(
      fc.property(literals, text, fc.nat(), (lits, s, start) => {
        const a = new Automaton(lits);
        const bytes = new TextEncoder().encode(s);
        const from = start % (s.length + 1);
        const hit = a.findText(s, from, s.length);
        expect(hit).toBe(naiveFirstEnd(a.literals, s, from, s.length));
        const stop = hit < 0 ? s.length : hit;
        const passed = s.slice(from, stop);
        expect(a.lines).toBe(passed.split("\n").length - 1);
        expect(a.lineStart).toBe(passed.includes("\n") ? from + passed.lastIndexOf("\n") + 1 : from);
        if (hit >= 0) {
          // Resuming with the state the hit left finds the next literal end, overlaps included.
          const next = a.findText(s, hit + 1, s.length, a.lastRow);
          const lits2 = a.literals;
          let want = -1;
          for (let end = hit + 1; end < s.length && want < 0; end++) if (lits2.some((l) => end + 1 - l.length >= 0 && s.startsWith(l, end + 1 - l.length))) want = end;
          expect(next).toBe(want);
        }
        // The byte search agrees with the text search, counted in bytes.
        const hitBytes = a.findBytes(bytes, 0, bytes.length);
        const firstText = a.findText(s, 0, s.length);
        expect(hitBytes < 0).toBe(firstText < 0);
        if (firstText >= 0) expect(hitBytes).toBe(new TextEncoder().encode(s.slice(0, firstText + 1)).length - 1);
      }),
      { numRuns: 400, seed: SEED },
    );
  });

  it("keeps literals cut to their first characters, and maps a given literal to its index", () => {
    const a = new Automaton(["Restoring the checkpoint", "Restoring FAILED", "Error"], 12);
    expect(a.literals).toEqual(["Restoring th", "Restoring FA", "Error"]);
    expect(a.idOf("Restoring the checkpoint server")).toBe(0);
    expect(a.idOf("Warn")).toBe(-1);
  });
});
