// The literal prefilter: most lines of a CRIU log (debug output at -v4) can match no rule, and
// proving that with one combined scan is far cheaper than running every rule's regex. Each rule
// carries literals (derived at compile time, see literals.ts) of which any match must contain one.
import type { CompiledRule } from "./types.js";

export interface Prefilter {
  /** Indices of the rules that may match `line`, in rule order. */
  candidates(line: string): number[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function buildPrefilter(rules: readonly CompiledRule[]): Prefilter {
  const always: number[] = []; // rules without a literal: they run on every line
  const exact = new Map<string, number[]>(); // literal -> rules, case-sensitive
  const folded = new Map<string, number[]>(); // lower-cased literal -> rules, for `i` rules
  rules.forEach((r, i) => {
    if (!r.literals.length) return void always.push(i);
    const table = r.flags === "i" ? folded : exact;
    for (const lit of r.literals) {
      const list = table.get(lit) ?? [];
      list.push(i);
      table.set(lit, list);
    }
  });
  const exactLits = [...exact.keys()];
  const foldedLits = [...folded.keys()];
  // One alternation answers "does the line hold any literal at all?" for the common no case.
  const anyExact = exactLits.length ? new RegExp(exactLits.map(escape).join("|")) : null;
  const anyFolded = foldedLits.length ? new RegExp(foldedLits.map(escape).join("|"), "i") : null;

  return {
    candidates(line) {
      const hitExact = anyExact !== null && anyExact.test(line);
      const hitFolded = anyFolded !== null && anyFolded.test(line);
      if (!hitExact && !hitFolded) return always;
      const picked = new Set<number>(always);
      if (hitExact) for (const lit of exactLits) if (line.includes(lit)) for (const i of exact.get(lit)!) picked.add(i);
      if (hitFolded) {
        const lower = line.toLowerCase();
        for (const lit of foldedLits) if (lower.includes(lit)) for (const i of folded.get(lit)!) picked.add(i);
      }
      return [...picked].sort((a, b) => a - b);
    },
  };
}
