// criu-doctor's public module: the engine bound to the compiled rule set.
//
//   import { diagnose, rules } from "criu-doctor";
//   const { findings } = diagnose(logText);
//
// diagnose() is synchronous and pure; createDiagnoser() takes a log in chunks (for streams).
import { createDiagnoser as createWith, createMatcher, type Diagnoser } from "./engine.js";
import { ruleset } from "./generated/ruleset.js";
import type { DiagnoseOptions, Diagnosis, RuleSet } from "./types.js";

export type * from "./types.js";
export type { Diagnoser } from "./engine.js";

/** The compiled rule set: every article's metadata and recognition rules (also served as /rules.json). */
export const rules: RuleSet = ruleset;

let matcher: ReturnType<typeof createMatcher> | undefined;
const shared = () => (matcher ??= createMatcher(ruleset));

/** Diagnoses a whole log held in memory. */
export function diagnose(text: string, options?: DiagnoseOptions): Diagnosis {
  return createWith(shared(), options).push(text).end();
}

/** Starts an incremental diagnosis: push() chunks as they arrive, then end(). */
export function createDiagnoser(options?: DiagnoseOptions): Diagnoser {
  return createWith(shared(), options);
}
