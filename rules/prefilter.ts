// The literal prefilter: which rules can match a line at all. Each rule carries literals (derived
// at compile time, see literals.ts) of which any match must contain one; one Aho-Corasick pass over
// the line finds them all, so a rule's regex only runs where its text is present.
import { Automaton } from "./scanner.js";
import type { CompiledRule } from "./types.js";

export interface Prefilter {
  /** Indices of the rules that may match `line`, in rule order. */
  candidates(line: string): number[];
}

/** How much of each literal the automaton keeps (see Automaton). */
const KEPT = 12;

export function buildPrefilter(rules: readonly CompiledRule[]): Prefilter {
  const always: number[] = []; // rules without a literal (tagged lines only): checked on every line
  const automaton = new Automaton(rules.flatMap((r) => r.literals), KEPT);
  const rulesOf: number[][] = automaton.literals.map(() => []);
  rules.forEach((r, i) => {
    if (!r.literals.length) return void always.push(i);
    for (const lit of r.literals) {
      const id = automaton.idOf(lit);
      if (id >= 0 && rulesOf[id]!.at(-1) !== i) rulesOf[id]!.push(i);
    }
  });

  return {
    candidates(line) {
      const found = automaton.matches(line);
      if (found.size === 0) return always;
      const picked = new Set<number>(always);
      for (const id of found) for (const i of rulesOf[id]!) picked.add(i);
      return [...picked].sort((a, b) => a - b);
    },
  };
}
