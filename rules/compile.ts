// The rule compiler: failure articles in, a validated rule set out. Every way an article can be
// wrong stops the build with the file, the field and the reason, because a rule that silently
// fails to load is worse than no rule at all.
import { parse as parseYaml } from "yaml";
import { ZodError } from "zod";
import { compileRules } from "./compile-rules.js";
import { createDiagnoser, createMatcher } from "./engine.js";
import { checkRegexes, describeVerdict, type RegexCheckOptions } from "./redos.js";
import { ARTICLE_ID, failureSchema, type FailureFrontmatter } from "./schema.js";
import type { CompiledArticle, CompiledRule, RuleSet } from "./types.js";

export interface ArticleSource {
  /** Path shown in error messages, e.g. `content/failures/pid-mismatch.mdx`. */
  path: string;
  /** The whole file: frontmatter and MDX body. */
  text: string;
}

export interface CompileOptions {
  /** Absolute site URL (`https://example.org/criu-doctor`); article urls stay relative without it. */
  siteUrl?: string;
  /** Ids of articles compiled elsewhere that `related` may also name (for checking one file alone). */
  knownIds?: ReadonlySet<string>;
}

/** One problem in one article: `file: field: reason`. */
export class ArticleError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${file}: ${field}: ${reason}`);
    this.name = "ArticleError";
  }
}

/** Thrown when any article is invalid; `errors` lists every problem found, not just the first. */
export class CompileError extends Error {
  constructor(readonly errors: ArticleError[]) {
    super(`${errors.length} problem${errors.length === 1 ? "" : "s"} in the articles:\n` + errors.map((e) => "  " + e.message).join("\n"));
    this.name = "CompileError";
  }
}

const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/;

/** The id of an article is its file name without the extension. */
export function articleId(path: string): string {
  return path.replace(/^.*\//, "").replace(/\.mdx?$/, "");
}

/** Splits a file into its YAML frontmatter (parsed, not yet validated) and its body. */
export function readFrontmatter(src: ArticleSource): { data: unknown; body: string } {
  const m = FRONTMATTER.exec(src.text);
  if (!m) throw new ArticleError(src.path, "frontmatter", "the file must start with a --- YAML block ---");
  try {
    return { data: parseYaml(m[1]!, { prettyErrors: true }), body: src.text.slice(m[0].length) };
  } catch (e) {
    throw new ArticleError(src.path, "frontmatter", `invalid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** Reads and validates one article's frontmatter; throws CompileError with every schema problem. */
export function readArticle(src: ArticleSource): { id: string; frontmatter: FailureFrontmatter; body: string } {
  const { data, body } = readFrontmatter(src);
  const parsed = failureSchema.safeParse(data);
  if (!parsed.success) throw new CompileError(zodErrors(src.path, parsed.error));
  return { id: articleId(src.path), frontmatter: parsed.data, body };
}

function zodErrors(file: string, err: ZodError): ArticleError[] {
  return err.issues.map((issue) => {
    let field = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("").replace(/^\./, "") || "frontmatter";
    let reason = issue.message;
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys;
      field = field === "frontmatter" ? keys.join(", ") : `${field}.${keys.join(", ")}`;
      reason = `unknown field${keys.length > 1 ? "s" : ""}`;
    } else if (issue.code === "invalid_type" && issue.received === "undefined") {
      reason = "required field is missing";
    }
    return new ArticleError(file, field, reason);
  });
}


/** The matcher skips lines by literal: a rule that can match untagged lines must name one. */
function checkLiterals(file: string, rules: CompiledRule[]): ArticleError[] {
  const errors: ArticleError[] = [];
  rules.forEach((r, i) => {
    if (!r.literals.length && r.tag !== "error" && r.tag !== "warn" && r.tag !== "tagged") {
      errors.push(new ArticleError(file, `match[${i}].pattern`, "no literal text of 3+ characters that every match must contain: add one, or restrict the rule with tag: error, warn or tagged"));
    }
    if (r.near && !r.near.literals.length) {
      errors.push(new ArticleError(file, `match[${i}].near.pattern`, "no literal text of 3+ characters that every match must contain"));
    }
  });
  return errors;
}

/** Checks that examples lead to the article and counterexamples do not, with its own rules only. */
function checkExamples(file: string, article: CompiledArticle, rules: CompiledRule[], fm: FailureFrontmatter): ArticleError[] {
  const errors: ArticleError[] = [];
  const matcher = createMatcher({ schema: 1, articles: [article], rules });
  const finds = (text: string) => createDiagnoser(matcher).push(text).end().findings.length > 0;
  fm.examples.forEach((ex, i) => {
    if (!finds(ex)) errors.push(new ArticleError(file, `examples[${i}]`, `no rule of this article matches: ${JSON.stringify(ex.slice(0, 120))}`));
  });
  fm.counterexamples.forEach((ex, i) => {
    if (finds(ex)) errors.push(new ArticleError(file, `counterexamples[${i}]`, `a rule of this article matches it: ${JSON.stringify(ex.slice(0, 120))}`));
  });
  // A rule no example exercises is a rule nobody has seen work.
  rules.forEach((r, i) => {
    const one = createMatcher({ schema: 1, articles: [article], rules: [r] });
    if (!fm.examples.some((ex) => createDiagnoser(one).push(ex).end().findings.length > 0)) {
      errors.push(new ArticleError(file, `match[${i}]`, `no example matches this rule: add one`));
    }
  });
  return errors;
}

export interface CompiledArticleWithBody extends CompiledArticle {
  frontmatter: FailureFrontmatter;
}

/** Compiles every article; throws CompileError listing all problems when any article is invalid. */
export function compileArticles(sources: readonly ArticleSource[], options: CompileOptions = {}): RuleSet {
  const errors: ArticleError[] = [];
  const articles: CompiledArticle[] = [];
  const rules: CompiledRule[] = [];
  const seenIds = new Map<string, string>();
  const seenTitles = new Map<string, string>();
  const related: [string, string, string[]][] = [];
  const base = (options.siteUrl ?? "").replace(/\/+$/, "");

  for (const src of [...sources].sort((a, b) => a.path.localeCompare(b.path))) {
    const id = articleId(src.path);
    if (!ARTICLE_ID.test(id)) {
      errors.push(new ArticleError(src.path, "id", "the file name must be lowercase words joined by hyphens, e.g. pid-mismatch.mdx"));
      continue;
    }
    if (seenIds.has(id)) {
      errors.push(new ArticleError(src.path, "id", `duplicate id "${id}", also used by ${seenIds.get(id)}`));
      continue;
    }
    seenIds.set(id, src.path);
    let fm: FailureFrontmatter;
    try {
      fm = readArticle(src).frontmatter;
    } catch (e) {
      if (e instanceof ArticleError) errors.push(e);
      else if (e instanceof CompileError) errors.push(...e.errors);
      else throw e;
      continue;
    }
    const other = seenTitles.get(fm.title.toLowerCase());
    if (other) errors.push(new ArticleError(src.path, "title", `same title as ${other}`));
    seenTitles.set(fm.title.toLowerCase(), src.path);
    const article: CompiledArticle = {
      id,
      title: fm.title,
      summary: fm.summary,
      url: `${base}/failures/${id}/`,
      phase: fm.phase,
      area: fm.area,
      options: fm.options,
      fixes: fm.fixes,
    };
    const own = compileRules(id, fm);
    const problems = [...checkLiterals(src.path, own), ...checkExamples(src.path, article, own, fm)];
    if (problems.length) {
      errors.push(...problems);
      continue;
    }
    related.push([src.path, id, fm.related]);
    articles.push(article);
    rules.push(...own);
  }
  for (const [path, id, rel] of related) {
    rel.forEach((r, i) => {
      if (r === id) errors.push(new ArticleError(path, `related[${i}]`, "an article cannot be related to itself"));
      else if (!seenIds.has(r) && !options.knownIds?.has(r)) errors.push(new ArticleError(path, `related[${i}]`, `no article with id "${r}"`));
    });
  }
  if (errors.length) throw new CompileError(errors);
  return { schema: 1, articles, rules };
}

/** Where a pattern stands in an article: `match[2].pattern` or `match[2].near.pattern`. */
export interface PatternSite {
  file: string;
  field: string;
  pattern: string;
}

/** Every match and near pattern of the articles that parse (the others fail compileArticles). */
export function articlePatterns(sources: readonly ArticleSource[]): PatternSite[] {
  const out: PatternSite[] = [];
  for (const src of sources) {
    let fm: FailureFrontmatter;
    try {
      fm = readArticle(src).frontmatter;
    } catch {
      continue;
    }
    fm.match.forEach((m, i) => {
      out.push({ file: src.path, field: `match[${i}].pattern`, pattern: m.pattern });
      if (m.near) out.push({ file: src.path, field: `match[${i}].near.pattern`, pattern: m.near.pattern });
    });
  }
  return out;
}

/**
 * The ReDoS check (see redos.ts): an error for every pattern whose matching can take super-linear
 * time, `file: match[i].pattern: regex can take super-linear time (attack string ...)`. Async and
 * slow on a cold cache (about a second per pattern), so it is a step of its own: build-rules.ts
 * --check-redos and `npm run check:redos`.
 */
export async function checkRegexSafety(
  sources: readonly ArticleSource[],
  options: RegexCheckOptions = {},
  /** More patterns to check in the same run, e.g. the engine's own line grammar. */
  extra: readonly { file: string; field: string; pattern: string }[] = [],
): Promise<ArticleError[]> {
  const sites = [...articlePatterns(sources), ...extra];
  const verdicts = await checkRegexes(sites.map((s) => s.pattern), options);
  const errors: ArticleError[] = [];
  for (const site of sites) {
    const reason = describeVerdict(verdicts.get(site.pattern)!);
    if (reason) errors.push(new ArticleError(site.file, site.field, reason));
  }
  return errors;
}
