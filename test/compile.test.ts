// Every way an article can be wrong must stop the build with the file, the field and the reason.
import { describe, expect, it } from "vitest";
import { ArticleError, CompileError, compileArticles, type ArticleSource } from "../rules/compile.js";

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

  it("reports every problem at once, not only the first", () => {
    const errors = errorsOf([src(frontmatter({ summary: "", phase: "phase: [later]" }))]);
    expect(errors.map((e) => e.field).sort()).toEqual(["phase[0]", "summary"]);
  });
});
