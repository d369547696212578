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
  const byLiteral = new Map<string, number[]>();
  rules.forEach((r, i) => {
    if (!r.literals.length) return void always.push(i);
    for (const lit of r.literals) {
      const list = byLiteral.get(lit) ?? [];
      list.push(i);
      byLiteral.set(lit, list);
    }
  });
  const literals = [...byLiteral.keys()];
  // One alternation answers "does the line hold any literal at all?" for the common no case.
  const any = literals.length ? new RegExp(literals.map(escape).join("|")) : null;

  return {
    candidates(line) {
      if (any === null || !any.test(line)) return always;
      const picked = new Set<number>(always);
      for (const lit of literals) if (line.includes(lit)) for (const i of byLiteral.get(lit)!) picked.add(i);
      return [...picked].sort((a, b) => a - b);
    },
  };
}
