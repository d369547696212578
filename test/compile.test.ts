// Every way an article can be wrong must stop the build with the file, the field and the reason.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ArticleError, CompileError, checkRegexSafety, compileArticles, type ArticleSource } from "../rules/compile.js";
import { checkRegexes } from "../rules/redos.js";
import { LINE, growAttack, secondOpinion } from "../rules/redos-confirm.mjs";

const FILE = "content/failures/demo-failure.mdx";

/** A small valid article; each test breaks one thing in it. */
const frontmatter = (over: Record<string, string> = {}) => {
  const fields: Record<string, string> = {
    title: 'title: "A demo failure for the tests"',
    summary: 'summary: "What the demo failure means, in one sentence long enough."',
    phase: "phase: [dump]",
    area: "area: files",
    match: `match:\n  - pattern: 'Demo thing (?<what>\\w+) failed'\n    tag: error`,
    examples: `examples:\n  - "(00.1) Error (criu/demo.c:1): Demo thing x failed"\n  - "Error (demo.c:9): Demo thing yy failed"`,
    counterexamples: `counterexamples:\n  - "(00.1) Demo thing x failed"`,
    fixes: `fixes:\n  - text: "Do the right thing with the demo."\n    command: "demo --fix {what}"`,
    refs: `refs:\n  - title: "criu.org"\n    url: "https://criu.org/"`,
    ...over,
  };
  return `---\n${Object.values(fields).filter(Boolean).join("\n")}\n---\n\nBody.\n`;
};

const src = (text: string, path = FILE): ArticleSource => ({ path, text });

/** The demo rule with more fields. */
const ruleWith = (extra: string) => `match:\n  - pattern: 'Demo thing (?<what>\\w+) failed'\n    tag: error\n${extra}`;
/** The demo rule with a near-condition whose pattern (YAML, quoted) and further lines are given. */
const nearRule = (rest: string) => ruleWith(`    near:\n      pattern: ${rest}`);

function errorsOf(sources: ArticleSource[]): ArticleError[] {
  try {
    compileArticles(sources);
  } catch (e) {
    expect(e).toBeInstanceOf(CompileError);
    return (e as CompileError).errors;
  }
  throw new Error("expected the compile to fail");
}

/** Asserts one error naming the file, the field and (a part of) the reason. */
function expectError(sources: ArticleSource[], field: string | RegExp, reason: RegExp, file = FILE) {
  const errors = errorsOf(sources);
  const hit = errors.find((e) => (typeof field === "string" ? e.field === field : field.test(e.field)) && reason.test(e.reason));
  expect(hit, `no error on ${field} matching ${reason}; got:\n${errors.map((e) => e.message).join("\n")}`).toBeDefined();
  expect(hit!.file).toBe(file);
  expect(hit!.message.startsWith(`${file}: `)).toBe(true);
}

describe("compiler", () => {
  it("compiles a valid article into rules with literals and a url", () => {
    const rs = compileArticles([src(frontmatter())]);
    expect(rs.articles.map((a) => a.id)).toEqual(["demo-failure"]);
    expect(rs.articles[0]!.url).toBe("/failures/demo-failure/");
    expect(rs.rules[0]).toMatchObject({ article: "demo-failure", role: "cause", tag: "error", priority: 0 });
    expect(rs.rules[0]!.literals).toEqual(["Demo thing "]);
  });

  it("keeps markup in text fields as the author wrote it: escaping is for whoever shows the text", () => {
    // The site escapes (test/site-frontmatter.test.ts builds an article like this one); the CLI
    // prints text; /rules.json and the module hand the strings on. Escaped here, every one of them
    // would show `&lt;` instead.
    const title = "Demo <b>bold</b> & <script>alert(1)</script> failure";
    const summary = 'A summary with <img src=x onerror=alert(2)> and "quotes" & more, long enough.';
    const fixes = `fixes:\n  - text: "Fix <script>alert(3)</script> with <b>care</b>."\n    command: "echo '<b>{what}</b>' && demo --fix {what}"`;
    const rs = compileArticles([src(frontmatter({ title: `title: ${JSON.stringify(title)}`, summary: `summary: ${JSON.stringify(summary)}`, fixes }))]);
    expect(rs.articles[0]).toMatchObject({
      title,
      summary,
      fixes: [{ text: "Fix <script>alert(3)</script> with <b>care</b>.", command: "echo '<b>{what}</b>' && demo --fix {what}" }],
    });
    expect(JSON.parse(JSON.stringify(rs)).articles[0].title).toBe(title);
  });

  it("makes urls absolute when the site URL is given", () => {
    const rs = compileArticles([src(frontmatter())], { siteUrl: "https://example.org/kb/" });
    expect(rs.articles[0]!.url).toBe("https://example.org/kb/failures/demo-failure/");
  });

  it("rejects a regex that does not compile", () => {
    expectError([src(frontmatter({ match: "match:\n  - pattern: 'Demo (thing'" }))], "match[0].pattern", /does not compile/);
  });

  it("rejects a Python-style named group", () => {
    expectError([src(frontmatter({ match: "match:\n  - pattern: 'Demo (?P<x>thing)'" }))], "match[0].pattern", /Python-style/);
  });

  it("rejects a missing field", () => {
    expectError([src(frontmatter({ summary: "" }))], "summary", /required/);
  });

  it("rejects too few examples", () => {
    expectError([src(frontmatter({ examples: 'examples:\n  - "Error (demo.c:9): Demo thing yy failed"' }))], "examples", /at least 2/);
  });

  it("rejects an example that does not match", () => {
    const examples = 'examples:\n  - "Error (demo.c:9): Demo thing yy failed"\n  - "Error (demo.c:9): something else"';
    expectError([src(frontmatter({ examples }))], "examples[1]", /no rule of this article matches/);
  });

  it("rejects a counterexample that matches", () => {
    expectError([src(frontmatter({ counterexamples: 'counterexamples:\n  - "Error (x.c:1): Demo thing z failed"' }))], "counterexamples[0]", /matches it/);
  });

  it("rejects a rule that no example exercises", () => {
    const match = "match:\n  - pattern: 'Demo thing (?<what>\\w+) failed'\n  - pattern: 'Never shown anywhere'";
    expectError([src(frontmatter({ match }))], "match[1]", /no example matches this rule/);
  });

  it("rejects a rule for untagged lines without a literal to prefilter on", () => {
    const match = "match:\n  - pattern: 'Demo thing (?<what>\\w+) failed'\n  - pattern: '^\\w+ \\d+ \\w+$'";
    const examples = 'examples:\n  - "(00.1) Error (criu/demo.c:1): Demo thing x failed"\n  - "word 12 word"';
    expectError([src(frontmatter({ match, examples }))], "match[1].pattern", /no literal text/);
  });

  it("rejects an unknown field", () => {
    expectError([src(frontmatter({ extra: "severity: high" }))], "severity", /unknown field/);
  });

  it("rejects an unknown field inside a rule", () => {
    const match = "match:\n  - pattern: 'Demo thing (?<what>\\w+) failed'\n    weight: 3";
    expectError([src(frontmatter({ match }))], "match[0].weight", /unknown field/);
  });

  it("rejects a value outside the vocabulary", () => {
    expectError([src(frontmatter({ phase: "phase: [checkpoint]" }))], "phase[0]", /Invalid enum value/);
  });

  it("rejects a duplicate id", () => {
    expectError([src(frontmatter()), src(frontmatter(), "content/failures/demo-failure.md")], "id", /duplicate id/);
  });

  it("rejects a duplicate title", () => {
    expectError([src(frontmatter()), src(frontmatter(), "content/failures/demo-two.mdx")], "title", /same title/, "content/failures/demo-two.mdx");
  });

  it("rejects a file name that is not an id", () => {
    expectError([src(frontmatter(), "content/failures/Demo_Failure.mdx")], "id", /lowercase/, "content/failures/Demo_Failure.mdx");
  });

  it("rejects a file without frontmatter", () => {
    expectError([src("# Just a heading\n")], "frontmatter", /must start with/);
  });

  it("rejects invalid YAML", () => {
    expectError([src("---\ntitle: [unclosed\n---\n")], "frontmatter", /invalid YAML/);
  });

  it("rejects a related id that does not exist", () => {
    expectError([src(frontmatter({ related: "related: [no-such-article]" }))], "related[0]", /no article with id/);
  });

  it("rejects a near-condition without a literal to prefilter on", () => {
    expectError([src(frontmatter({ match: nearRule("'\\d+ \\w+'") }))], "match[0].near.pattern", /no literal text/);
  });

  it("rejects an article related to itself", () => {
    expectError([src(frontmatter({ related: "related: [demo-failure]" }))], "related[0]", /cannot be related to itself/);
  });

  // Every other field the schema constrains: the error names the field and says what is expected.
  const schemaCases: [string, Record<string, string> | string, string, RegExp][] = [
    ["a pattern too short to mean anything", { match: "match:\n  - pattern: 'ab'" }, "match[0].pattern", /this short would match almost any line/],
    ["a near pattern that does not compile", { match: nearRule("'Demo ('") }, "match[0].near.pattern", /does not compile/],
    ["a near window out of range", { match: nearRule("'Demo other'\n      within: 0") }, "match[0].near.within", /greater than or equal to 1/],
    ["a near direction outside the vocabulary", { match: nearRule("'Demo other'\n      direction: sideways") }, "match[0].near.direction", /Expected 'before' \| 'after' \| 'both'/],
    ["an unknown field in a near-condition", { match: nearRule("'Demo other'\n      lines: 3") }, "match[0].near.lines", /unknown field/],
    ["a source that is not a file name", { match: ruleWith("    source: [criu/mount]") }, "match[0].source[0]", /a file name such as/],
    ["a wrapper outside the vocabulary", { match: ruleWith("    wrapper: kubectl") }, "match[0].wrapper", /Invalid enum value.*'kubectl'/],
    ["a priority out of range", { match: ruleWith("    priority: 1000") }, "match[0].priority", /less than or equal to 100/],
    ["a fractional priority", { match: ruleWith("    priority: 1.5") }, "match[0].priority", /Expected integer/],
    ["a role outside the vocabulary", { match: ruleWith("    role: effect") }, "match[0].role", /Expected 'cause' \| 'symptom'/],
    ["a tag outside the vocabulary", { match: "match:\n  - pattern: 'Demo thing (?<what>\\w+) failed'\n    tag: info" }, "match[0].tag", /Invalid enum value.*'info'/],
    ["no rules at all", { match: "match: []" }, "match", /at least 1/],
    ["a title too long", { title: `title: "${"x".repeat(130)}"` }, "title", /at most 120/],
    ["a title that is not a string", { title: "title: 42" }, "title", /Expected string, received number/],
    ["a summary too short", { summary: 'summary: "short"' }, "summary", /at least 20/],
    ["an empty phase list", { phase: "phase: []" }, "phase", /at least 1/],
    ["an area outside the vocabulary", { area: "area: storage" }, "area", /Invalid enum value.*'storage'/],
    ["an option without its dashes", { options: "options: [tcp-established]" }, "options[0]", /an option such as --tcp-established/],
    ["examples that are not a list", { examples: 'examples: "one line"' }, "examples", /Expected array, received string/],
    ["no counterexample", { counterexamples: "counterexamples: []" }, "counterexamples", /at least 1/],
    ["no fix", { fixes: "fixes: []" }, "fixes", /at least 1/],
    ["a fix too short", { fixes: 'fixes:\n  - text: "Do it."' }, "fixes[0].text", /at least 10/],
    ["an unknown field in a fix", { fixes: 'fixes:\n  - text: "Do the right thing with the demo."\n    cmd: "x"' }, "fixes[0].cmd", /unknown field/],
    ["a CRIU version that is not a version", { criu: 'criu:\n  - version: "v3.17"\n    change: "Something changed here."' }, "criu[0].version", /a version such as 3\.17/],
    ["a reference that is not a URL", { refs: 'refs:\n  - title: "criu.org"\n    url: "criu.org/TCP"' }, "refs[0].url", /Invalid url/],
    ["a reference with a script URL", { refs: 'refs:\n  - title: "criu.org"\n    url: "javascript:alert(1)"' }, "refs[0].url", /must be an http:\/\/ or https:\/\/ URL/],
    ["a catalog class that is not an id", { covers: "covers: [Some_Class]" }, "covers[0]", /lowercase words joined by hyphens/],
    ["a related id that is not an id", { related: "related: [Other Article]" }, "related[0]", /lowercase words joined by hyphens/],
    ["frontmatter that is a string", "---\njust a string\n---\n", "frontmatter", /Expected object, received string/],
    ["frontmatter that is a list", "---\n- a\n- b\n---\n", "frontmatter", /Expected object, received array/],
    ["empty frontmatter", "---\n\n---\n", "frontmatter", /Expected object, received null/],
  ];
  for (const [what, over, field, reason] of schemaCases) {
    it(`rejects ${what}`, () => {
      expectError([src(typeof over === "string" ? over : frontmatter(over))], field, reason);
    });
  }

  it("reports every problem at once, not only the first", () => {
    const errors = errorsOf([src(frontmatter({ summary: "", phase: "phase: [later]" }))]);
    expect(errors.map((e) => e.field).sort()).toEqual(["phase[0]", "summary"]);
  });
});

// The ReDoS check (rules/redos.ts, recheck): a pattern whose matching can take super-linear time
// is refused, naming the file, the field, the attack string and where it backtracks.
describe("regex safety", () => {
  const check = (sources: ArticleSource[]) => checkRegexSafety(sources, { cacheFile: null });

  it("accepts linear patterns", async () => {
    expect(await check([src(frontmatter())])).toEqual([]);
  });

  it("refuses a pattern with exponential backtracking", async () => {
    const match = "match:\n  - pattern: 'Demo thing (?<what>\\w+)failed'\n  - pattern: 'Demo (?:\\w+\\s?)+ failed$'";
    const errors = await check([src(frontmatter({ match }))]);
    expect(errors.map((e) => [e.file, e.field])).toEqual([[FILE, "match[1].pattern"]]);
    expect(errors[0]!.message).toMatch(/^content\/failures\/demo-failure\.mdx: match\[1\]\.pattern: regex can take super-linear time \(attack string '.+'\): exponential backtracking in /);
  });

  it("gives the same verdicts with the pure-JavaScript backend (no native binary, no JVM)", async () => {
    const patterns = ["^Demo (?:\\w+\\s?)+$", "Demo thing \\d+ failed"];
    const pure = await checkRegexes(patterns, { cacheFile: null, backend: "pure" });
    const native = await checkRegexes(patterns, { cacheFile: null });
    expect([...pure.values()].map((v) => v.status)).toEqual(["vulnerable", "safe"]);
    expect(pure).toEqual(native);
  });

  it("refuses a pattern with polynomial backtracking, in a rule or in its near-condition", async () => {
    const match = "match:\n  - pattern: '(?<probe>\\w+) failed when demoing'\n    near:\n      pattern: '\\d+ demo near'";
    const errors = await check([src(frontmatter({ match }))]);
    expect(errors.map((e) => e.field)).toEqual(["match[0].pattern", "match[0].near.pattern"]);
    for (const e of errors) expect(e.reason).toMatch(/^regex can take super-linear time \(attack string .+\): O\(n\^\d\) backtracking/);
  });
});

// recheck confirms an attack found by fuzzing against a time limit, which a busy machine can reach
// by itself; such a verdict gets a second opinion from V8 on the attack grown to a 16 KiB line.
describe("a fuzzing verdict's second opinion", () => {
  const spaces = { pumps: [{ prefix: "", pump: " ", bias: 0 }], suffix: "x", base: 8 };

  it("grows recheck's attack to the longest line the engine reads, keeping its shape", () => {
    const attack = { pumps: [{ prefix: "a\t", pump: "\t", bias: 0 }, { prefix: "b", pump: "cd", bias: 1 }], suffix: "!", base: 3 };
    const s = growAttack(attack);
    expect(s.length).toBeLessThanOrEqual(LINE);
    expect(s.length).toBeGreaterThan(LINE - 4);
    expect(s).toMatch(/^a\t\t+b(?:cd)+!$/);
  });

  it("keeps a verdict V8 confirms, and clears one V8 runs fast", () => {
    const vulnerable = { status: "vulnerable", checker: "fuzz", complexity: "polynomial", attack: "' '.repeat(8) + 'x'" };
    // Trailing blanks searched from every start: quadratic in V8 on 16 KiB of spaces.
    expect(secondOpinion("\\s+$", vulnerable, spaces)).toMatchObject({ status: "vulnerable", confirmed: expect.stringMatching(/^V8 took \d+ ms/) });
    // Anchored: one pass, whatever fuzzing said.
    expect(secondOpinion("^ +x", vulnerable, spaces)).toMatchObject({ status: "safe", confirmed: expect.stringMatching(/^fuzzing found an attack, but V8 ran it/) });
  });

  it("confirms through the checker: a fuzz-only quadratic pattern is refused with V8's word", { timeout: 120_000 }, async () => {
    const verdicts = await checkRegexes(["(?<=a)\\s+\\s*$"], { cacheFile: null });
    expect([...verdicts.values()][0]).toMatchObject({ status: "vulnerable", checker: "fuzz", confirmed: expect.stringMatching(/^V8 /) });
  });
});

// The build itself: `npm run rules`, as package.json spells it, in a copy of the project whose only
// articles are a valid one and one with `(a+)+$`. It must stop, name the file, the field and the
// reason, and write no rule set.
describe("npm run rules", () => {
  const root = join(import.meta.dirname, "..");

  it("runs the ReDoS check", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.rules).toMatch(/\brules\/build-rules\.ts\b.*--check-redos\b/);
  });

  it("fails on a super-linear pattern, naming the file, the field and the reason", { timeout: 120_000 }, () => {
    const work = mkdtempSync(join(tmpdir(), "criu-doctor-rules-"));
    try {
      cpSync(join(root, "package.json"), join(work, "package.json"));
      cpSync(join(root, "rules"), join(work, "rules"), { recursive: true, filter: (from) => !from.includes(join("rules", "generated")) });
      symlinkSync(join(root, "node_modules"), join(work, "node_modules"), "dir");
      mkdirSync(join(work, "content", "failures"), { recursive: true });
      writeFileSync(join(work, "content", "failures", "demo-failure.mdx"), frontmatter());
      const match = "match:\n  - pattern: 'Slow demo thing (?:a+)+$'\n    tag: error";
      const examples = 'examples:\n  - "(00.1) Error (criu/demo.c:1): Slow demo thing aaaa"\n  - "Error (demo.c:9): Slow demo thing a"';
      const counterexamples = 'counterexamples:\n  - "(00.1) Slow demo thing aaaa"';
      const title = 'title: "A slow demo failure for the tests"';
      writeFileSync(join(work, "content", "failures", "slow-demo.mdx"), frontmatter({ title, match, examples, counterexamples }));

      const r = spawnSync("npm", ["run", "--silent", "rules"], { cwd: work, encoding: "utf8", timeout: 110_000 });
      expect(r.error).toBeUndefined();
      expect(r.status, r.stdout + r.stderr).toBe(1);
      const lines = r.stderr.trim().split("\n");
      expect(lines[0]).toBe("1 problem in the articles:");
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(
        /^ {2}content\/failures\/slow-demo\.mdx: match\[0\]\.pattern: regex can take super-linear time \(attack string .+\): exponential backtracking in /,
      );
      expect(existsSync(join(work, "rules", "generated", "ruleset.ts"))).toBe(false);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
