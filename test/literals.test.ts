// The literal prefilter may only skip lines a rule cannot match: every literal it derives must be
// in every line the rule matches.
import { describe, expect, it } from "vitest";
import { requiredLiterals } from "../rules/literals.js";
import { ruleset } from "../rules/generated/ruleset.js";
import { loadArticles } from "../rules/build-rules.js";
import { readArticle } from "../rules/compile.js";

describe("requiredLiterals", () => {
  const cases: [string, string[]][] = [
    ["Can't dump half of stream unix connection", ["Can't dump half of stream unix connection"]],
    ["Pid (?<got>\\d+) do not match expected (?<expected>\\d+)", [" do not match expected "]],
    ["(?:sk )?unix: Can't bind", ["unix: Can't bind"]],
    ["fo|bar baz", []], // a branch without a literal of 3+ characters: no prefilter
    ["alpha one|beta two", ["alpha one", "beta two"]],
    ["Unable to open \\S+ file", ["Unable to open "]],
    ["ab?cdef", ["cdef"]],
    ["x{0,3}yz", []],
    ["Thread pid mismatch \\d+/\\d+", ["Thread pid mismatch "]],
    ["Error\\.", ["Error."]],
  ];
  for (const [source, want] of cases) {
    it(source, () => expect(requiredLiterals(source)).toEqual(want));
  }

  it("lower-cases literals of case-insensitive rules", () => {
    expect(requiredLiterals("Timeout Reached", true)).toEqual(["timeout reached"]);
  });

  it("is sound for every rule on every example of its article", () => {
    const examples = new Map(loadArticles().map((s) => { const a = readArticle(s); return [a.id, a.frontmatter.examples] as const; }));
    for (const rule of ruleset.rules) {
      const re = new RegExp(rule.pattern, rule.flags);
      for (const ex of examples.get(rule.article) ?? []) {
        for (const line of ex.split("\n")) {
          if (!re.test(line) || rule.literals.length === 0) continue;
          const hay = rule.flags === "i" ? line.toLowerCase() : line;
          expect(rule.literals.some((l) => hay.includes(l)), `${rule.article}: ${rule.pattern} on ${line}`).toBe(true);
        }
      }
    }
  });
});
