// The result contract of diagnose() (../shared/DESIGN.md, rules/types.ts), checked field by field:
// used by the property tests and the hostile-input tests on whatever the engine returns.
import { expect } from "vitest";
import type { Diagnosis, RuleSet } from "../../rules/types.js";
import { PHASES, WRAPPERS } from "../../rules/vocabulary.js";

/** Physical lines of a text as the engine counts them: \n, \r\n and a lone \r end a line. */
export function physicalLines(text: string): number {
  if (!text.length) return 0;
  const ends = text.match(/\r\n|\r|\n/g)?.length ?? 0;
  return /[\r\n]$/.test(text) ? ends : ends + 1;
}

export interface ContractOptions {
  /** Physical lines in the input, or Infinity when unknown. */
  lines: number;
  maxFindings?: number;
  maxUnmatched?: number;
}

/** Throws (through expect) unless `d` fits the contract for an input of `o.lines` lines. */
export function expectContract(d: Diagnosis, rules: RuleSet, o: ContractOptions): void {
  expect(Object.keys(d).sort()).toEqual(["criu", "findings", "unmatched", "wrapper"]);

  if (d.criu !== null) {
    expect(Object.keys(d.criu).sort()).toEqual(["phase", "version"]);
    expect(d.criu.version === null || (typeof d.criu.version === "string" && /^\d+\.\d+/.test(d.criu.version))).toBe(true);
    expect(d.criu.phase === null || (PHASES as readonly string[]).includes(d.criu.phase)).toBe(true);
    expect(d.criu.version !== null || d.criu.phase !== null).toBe(true); // both unknown: criu is null
  }
  if (d.wrapper !== null) {
    expect(Object.keys(d.wrapper).sort()).toEqual(["logPath", "tool"]);
    expect(WRAPPERS).toContain(d.wrapper.tool);
    expect(d.wrapper.logPath === null || (typeof d.wrapper.logPath === "string" && d.wrapper.logPath.length > 0)).toBe(true);
  }

  const articles = new Map(rules.articles.map((a) => [a.id, a]));
  expect(Array.isArray(d.findings)).toBe(true);
  if (o.maxFindings !== undefined) expect(d.findings.length).toBeLessThanOrEqual(o.maxFindings);
  expect(new Set(d.findings.map((f) => f.id)).size).toBe(d.findings.length); // one finding per article
  let symptomSeen = false;
  d.findings.forEach((f, i) => {
    expect(Object.keys(f).sort()).toEqual(["captures", "count", "id", "line", "rank", "role", "span", "text", "title", "url"]);
    const a = articles.get(f.id);
    expect(a, `unknown article ${f.id}`).toBeDefined();
    expect(f.title).toBe(a!.title);
    expect(f.url).toBe(a!.url);
    expect(f.rank).toBe(i + 1);
    expect(Number.isInteger(f.line) && f.line >= 1 && f.line <= o.lines).toBe(true);
    expect(typeof f.text).toBe("string");
    expect(f.text).not.toMatch(/[\r\n]/);
    expect(f.text).toBe(f.text.trimEnd());
    const [s, e] = f.span;
    expect(Number.isInteger(s) && Number.isInteger(e) && s >= 0 && s <= e && e <= f.text.length).toBe(true);
    expect(["cause", "symptom"]).toContain(f.role);
    // Causes rank before symptoms.
    if (f.role === "symptom") symptomSeen = true;
    else expect(symptomSeen).toBe(false);
    expect(Number.isInteger(f.count) && f.count >= 1).toBe(true);
    expect(Object.getPrototypeOf(f.captures)).toBe(Object.prototype);
    for (const v of Object.values(f.captures)) expect(typeof v).toBe("string");
  });

  expect(Array.isArray(d.unmatched)).toBe(true);
  expect(d.unmatched.length).toBeLessThanOrEqual(o.maxUnmatched ?? 50);
  let last = 0;
  for (const u of d.unmatched) {
    expect(Object.keys(u).sort()).toEqual(["line", "text"]);
    expect(Number.isInteger(u.line) && u.line >= 1 && u.line <= o.lines).toBe(true);
    expect(u.line).toBeGreaterThanOrEqual(last);
    last = u.line;
    expect(typeof u.text).toBe("string");
    expect(u.text).not.toMatch(/[\r\n]/);
    expect(u.text).toContain("Error");
  }
}
