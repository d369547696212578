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

  it("is sound for every rule on every example of its article", () => {
    const examples = new Map(loadArticles().map((s) => { const a = readArticle(s); return [a.id, a.frontmatter.examples] as const; }));
    for (const rule of ruleset.rules) {
      const re = new RegExp(rule.pattern);
      for (const ex of examples.get(rule.article) ?? []) {
        for (const line of ex.split("\n")) {
          if (!re.test(line) || rule.literals.length === 0) continue;
          expect(rule.literals.some((l) => line.includes(l)), `${rule.article}: ${rule.pattern} on ${line}`).toBe(true);
        }
      }
    }
  });
});

describe("requiredLiterals inside groups", () => {
  it("looks into a named group that must match", () => {
    expect(requiredLiterals("(?<p>/\\S*/overlay-containers/[0-9a-f]+)")).toEqual(["/overlay-containers/"]);
  });
  it("does not look into an optional group", () => {
    expect(requiredLiterals("ab(?:optional text here)?")).toEqual([]);
  });
  it("does not look into a lookahead", () => {
    expect(requiredLiterals("(?=lookahead text)x")).toEqual([]);
  });
  it("takes a required group's alternatives as the set", () => {
    expect(requiredLiterals("(?:first choice|second choice)")).toEqual(["first choice", "second choice"]);
  });
});

describe("requiredLiterals from a required alternation", () => {
  it("uses the alternatives of a required group when no single run is long enough", () => {
    expect(requiredLiterals("^(?:Can't read -?\\d+ bytes|Failed unpacking object) (?<x>\\S+)")).toEqual(["Can't read ", "Failed unpacking object"]);
  });
  it("prefers a long single run", () => {
    expect(requiredLiterals("(?:abc|cde) then a long literal")).toEqual([" then a long literal"]);
  });
});
