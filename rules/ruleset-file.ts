// The CLI bundle's rule set (scripts/finish-lib.mjs puts this module in place of
// generated/ruleset.ts): lib/rules.json, read next to the bundle at start. Node parses a JSON
// file faster than the same JSON inside a script, ~8 ms of a CLI run (bench/run.mjs). The library
// keeps generated/ruleset.ts, which any bundler and the browser can load.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RuleSet } from "./types.js";

export const ruleset: RuleSet = JSON.parse(readFileSync(join(__dirname, "rules.json"), "utf8"));
