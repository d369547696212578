// Checks articles one by one, so that one broken article does not hide the state of the others:
//   npm run check:articles                      every article
//   npm run check:articles -- content/failures/pid-mismatch.mdx ...
// For each file: the compiler's checks (schema, regexes, examples, counterexamples), then the
// cross-article check: no example of one article may be claimed as a cause by another article.
import { readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ArticleError, CompileError, articleId, compileArticles, readArticle, type ArticleSource } from "./compile.js";
import { createDiagnoser, createMatcher } from "./engine.js";
import { loadArticles } from "./build-rules.js";
import type { RuleSet } from "./types.js";

const root = resolve(import.meta.dirname, "..");

/** Problems per file: compile errors, then examples that another article claims as its cause. */
export function checkArticles(all: ArticleSource[], only?: Set<string>): string[] {
  const problems: string[] = [];
  const good: ArticleSource[] = [];
  const knownIds = new Set(all.map((s) => articleId(s.path)));
  for (const src of all) {
    try {
      compileArticles([src], { knownIds });
      good.push(src);
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      if (!only || only.has(src.path)) problems.push(...e.errors.map((x: ArticleError) => x.message));
    }
  }
  let ruleset: RuleSet;
  try {
    ruleset = compileArticles(good);
  } catch (e) {
    // Only cross-file errors (related ids) can remain here.
    if (!(e instanceof CompileError)) throw e;
    problems.push(...e.errors.filter((x) => !only || only.has(x.file)).map((x) => x.message));
    return problems;
  }
  problems.push(...crossClaims(ruleset, good, only));
  return problems;
}

/** Examples of one article that another article's rules claim as a cause. */
export function crossClaims(ruleset: RuleSet, sources: ArticleSource[], only?: Set<string>): string[] {
  const matcher = createMatcher(ruleset);
  const out: string[] = [];
  for (const src of sources) {
    const id = articleId(src.path);
    readArticle(src).frontmatter.examples.forEach((ex, i) => {
      const others = createDiagnoser(matcher)
        .push(ex)
        .end()
        .findings.filter((f) => f.id !== id && f.role === "cause");
      for (const f of others) {
        const otherPath = sources.find((s) => articleId(s.path) === f.id)?.path ?? f.id;
        if (!only || only.has(src.path) || only.has(otherPath)) {
          out.push(`${src.path}: examples[${i}]: also claimed as a cause by ${otherPath}: ${JSON.stringify(f.text.slice(0, 100))}`);
        }
      }
    });
  }
  return out;
}

/** The MDX body must compile, or the site build fails later with a less helpful message. */
async function checkBodies(sources: ArticleSource[]): Promise<string[]> {
  const { compile } = await import("@mdx-js/mdx");
  const out: string[] = [];
  for (const src of sources) {
    try {
      await compile(readArticle(src).body);
    } catch (e) {
      if (e instanceof CompileError) continue; // already reported
      const err = e as { line?: number; reason?: string; message: string };
      out.push(`${src.path}: body${err.line ? ` line ${err.line}` : ""}: ${err.reason ?? err.message}`);
    }
  }
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  const all = loadArticles();
  const only = args.length ? new Set(args.map((a) => relative(root, resolve(a)))) : undefined;
  if (only) for (const f of only) if (!all.some((s) => s.path === f)) all.push({ path: f, text: readFileSync(join(root, f), "utf8") });
  const problems = checkArticles(all, only);
  problems.push(...(await checkBodies(all.filter((s) => !only || only.has(s.path)))));
  for (const p of problems) console.error(p);
  const n = only ? only.size : all.length;
  console.log(problems.length ? `${problems.length} problem(s) in ${n} article(s)` : `${n} article(s) OK`);
  process.exit(problems.length ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.dirname, "check-articles.ts")) void main();
