// Every article's examples and counterexamples run as tests against the whole rule set (as in
// Rust's error index, every entry must have a working example), and no article may claim another
// article's example as its cause.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadArticles } from "../rules/build-rules.js";
import { crossClaims } from "../rules/check-articles.js";
import { compileArticles, readArticle } from "../rules/compile.js";
import { diagnose } from "../rules/index.js";

const sources = loadArticles();
const articles = sources.map((s) => ({ source: s, ...readArticle(s) }));

describe("articles", () => {
  it("there are articles", () => expect(articles.length).toBeGreaterThanOrEqual(12));

  for (const { id, frontmatter: fm } of articles) {
    describe(id, () => {
      fm.examples.forEach((ex, i) => {
        it(`example ${i} leads here`, () => {
          expect(diagnose(ex).findings.map((f) => f.id)).toContain(id);
        });
      });
      fm.counterexamples.forEach((ex, i) => {
        it(`counterexample ${i} does not`, () => {
          expect(diagnose(ex).findings.map((f) => f.id)).not.toContain(id);
        });
      });
    });
  }

  it("no example is claimed as a cause by another article", () => {
    expect(crossClaims(compileArticles(sources), sources)).toEqual([]);
  });

  it("every article has the four body sections", () => {
    for (const { id, body } of articles) {
      for (const h of ["## What it means", "## Why it happens", "## How to fix it", "## How to avoid it"]) {
        expect(body, `${id} lacks "${h}"`).toContain(h);
      }
    }
  });
});

// The failure catalog lives beside the project in ../shared; every class in it (but the two meta
// classes the engine handles itself) must be covered by an article.
const catalogPath = join(import.meta.dirname, "..", "..", "shared", "criu", "catalog.json");
describe.runIf(existsSync(catalogPath))("catalog coverage", () => {
  it("covers every failure class", () => {
    const catalog = JSON.parse(readFileSync(catalogPath, "utf8")) as { id: string }[];
    const meta = new Set(["summary-lines-find-root-cause", "benign-noise-and-secondary-lines"]);
    const covered = new Set(articles.flatMap((a) => a.frontmatter.covers));
    const missing = catalog.map((c) => c.id).filter((id) => !meta.has(id) && !covered.has(id));
    expect(missing).toEqual([]);
  });
});
