// The CRIU messages an article's rules recognise, in readable form: for each rule, the first
// example line it matches, run through the engine itself (normalisation, tag parsing, the rule's
// regex), with the timestamp, pid column, level tag and wrapper prefixes taken off. The message
// index (/messages/), the article pages and the search index all show these, so a message is
// never written twice and always agrees with what the matcher does.
// No Astro imports: the tests use this module directly.
import { createDiagnoser, createMatcher } from "../../rules/engine.ts";
import { compileRules } from "../../rules/compile-rules.ts";
import { parseLine } from "../../rules/log-line.ts";
import { wrapperPrefixLength } from "./log-text.ts";
import type { FailureFrontmatter } from "../../rules/schema.ts";
import type { CompiledArticle } from "../../rules/types.ts";

export interface RuleMessage {
  /** Index of the rule in the article's `match`. */
  rule: number;
  role: "cause" | "symptom";
  /** The level tag of the example line: `Error`, `Warn` or null (untagged: wrapper output, stderr). */
  level: "error" | "warn" | null;
  /** The source file named in the tag (`mount.c`), or null. */
  file: string | null;
  /** The message as CRIU (or the wrapper) prints it, without timestamp, pid column, tag or quoting. */
  text: string;
  /** The part of `text` the rule's pattern matched: [start, end). */
  span: [number, number];
  /** The whole example line, as the article gives it. */
  line: string;
}


const cache = new Map<string, { fm: FailureFrontmatter; messages: RuleMessage[] }>();

/** The messages of one article, one per rule (in `match` order), duplicates left out. */
export function articleMessages(id: string, fm: FailureFrontmatter): RuleMessage[] {
  const hit = cache.get(id);
  if (hit?.fm === fm) return hit.messages;
  const messages = computeMessages(id, fm);
  cache.set(id, { fm, messages });
  return messages;
}

function computeMessages(id: string, fm: FailureFrontmatter): RuleMessage[] {
  const article: CompiledArticle = {
    id,
    title: fm.title,
    summary: fm.summary,
    url: `/failures/${id}/`,
    phase: fm.phase,
    area: fm.area,
    options: fm.options,
    fixes: fm.fixes,
  };
  const out: RuleMessage[] = [];
  const seen = new Set<string>();
  compileRules(id, fm).forEach((rule, index) => {
    const matcher = createMatcher({ schema: 1, articles: [article], rules: [rule] });
    for (const example of fm.examples) {
      const finding = createDiagnoser(matcher).push(example).end().findings[0];
      if (!finding) continue;
      const parsed = parseLine(finding.text);
      let start = parsed.bodyStart;
      if (parsed.level === null) start += wrapperPrefixLength(finding.text.slice(start));
      // Never cut into the part the rule matched.
      start = Math.min(start, finding.span[0]);
      const text = finding.text.slice(start).trimEnd().replace(/^["'`]+|["'`]+$/g, "");
      const lead = finding.text.slice(start).length - finding.text.slice(start).replace(/^["'`]+/, "").length;
      const span: [number, number] = [
        Math.max(0, finding.span[0] - start - lead),
        Math.min(text.length, finding.span[1] - start - lead),
      ];
      if (!seen.has(text)) {
        seen.add(text);
        out.push({ rule: index, role: rule.role, level: parsed.level, file: parsed.file, text, span, line: finding.text });
      }
      break;
    }
  });
  return out;
}

/** The words of a message for the search index: the text, plus forms people type instead. */
export function searchForms(text: string): string[] {
  const forms = new Set([text]);
  // CRIU writes contractions; people search for either spelling.
  const expanded = text
    .replace(/\bcan't\b/gi, (m) => (m[0] === "C" ? "Cannot" : "cannot"))
    .replace(/\b(\w+)n't\b/gi, "$1 not");
  forms.add(expanded);
  return [...forms];
}

// `consider using --x`, `Try "--x auto"`, `requires '--x`, `Invalid value for --x`, `the --x option`.
const SUGGESTION =
  /\b(?:consider(?: using| omitting)?|use|using|try|set(?: the)?|requires|with(?: the)?|for|option)\s+["'`]?(--[a-z][a-z0-9-]*[a-z0-9])|(--[a-z][a-z0-9-]*[a-z0-9])["'`]?\s+options?\b/gi;

/** The CRIU options a message tells the reader to use (or to leave out), not those it only echoes. */
export function suggestedOptions(text: string): string[] {
  return [...new Set([...text.matchAll(SUGGESTION)].map((m) => (m[1] ?? m[2])!.toLowerCase()))];
}
