// Completes the engine's findings with what the page shows: each article's summary and fixes (the
// captured values filled into the commands), each finding's line with the lines around it, and
// the message of each unexplained Error line. Used by the worker, which holds the rule set and
// the log; no DOM.
import { parseLine } from "../../rules/log-line.ts";
import type { CompiledArticle, Diagnosis, Finding, RuleSet, Wrapper } from "../../rules/types.ts";
import { commandParts } from "../lib/text.ts";
import { displayText, markInLine, type LogStore } from "./logstore.ts";
import { commandValues } from "./plain.ts";
import type { LineContext, Report, ReportFinding, SharedDiagnosis, ViewRow } from "./protocol.ts";

/** Lines shown before and after a finding's line. */
export const CONTEXT = 3;
/** Characters of a context line shown; the finding's own line is cut around its match instead. */
const CONTEXT_LINE = 240;
const FOCUS_LINE = 500;

/**
 * The finding completed from its article. `logPath` is where the wrapper left CRIU's log, found
 * on another line of the log than the finding's: it fills a `{logPath}` the finding did not capture.
 */
function complete(f: Finding, article: CompiledArticle | undefined, logPath?: string | null): ReportFinding {
  const values = commandValues(logPath && !f.captures.logPath ? { ...f.captures, logPath } : f.captures);
  return {
    ...f,
    summary: article?.summary ?? "",
    area: article?.area ?? "",
    fixes: (article?.fixes ?? []).map((fix) => ({
      text: fix.text,
      command: fix.command === undefined ? undefined : commandParts(fix.command, values),
    })),
  };
}

/** `text` cut to at most `max` characters around [start, end), the mark moved along. */
export function cutAround(line: number, text: string, max: number, mark?: [number, number]): ViewRow {
  if (text.length <= max) return mark ? { line, text, mark } : { line, text };
  const [s, e] = mark ?? [0, 0];
  const from = mark ? Math.max(0, Math.min(s - 80, text.length - max)) : 0;
  const to = Math.min(text.length, from + max);
  const out: ViewRow = { line, text: text.slice(from, to) };
  if (from > 0) out.cutStart = true;
  if (to < text.length) out.cutEnd = true;
  if (mark) {
    const ms = Math.min(Math.max(s - from, 0), to - from);
    const me = Math.min(Math.max(e - from, ms), to - from);
    if (me > ms) out.mark = [ms, me];
  }
  return out;
}

async function contextOf(store: LogStore, f: Finding): Promise<LineContext> {
  const first = Math.max(1, f.line - CONTEXT);
  const last = Math.min(store.lines, f.line + CONTEXT);
  const rows: ViewRow[] = [];
  let decoded: ViewRow | undefined;
  for (const r of await store.read(first, last)) {
    if (r.line !== f.line) {
      const short = cutAround(r.line, r.text, CONTEXT_LINE);
      if (r.cutEnd) short.cutEnd = true;
      rows.push(short);
      continue;
    }
    const full = await store.line(f.line);
    const mark = markInLine(full.text, f);
    const focus = cutAround(f.line, full.text, FOCUS_LINE, mark ?? undefined);
    if (full.cut && !focus.cutEnd) focus.cutEnd = full.text.length > 0;
    rows.push(focus);
    if (!mark) decoded = cutAround(f.line, displayText(f.text), FOCUS_LINE, f.span);
  }
  return decoded ? { rows, decoded } : { rows };
}

export interface Stats {
  lines: number;
  size: number;
  ms: number;
}

export async function toReport(
  diagnosis: Diagnosis,
  articles: ReadonlyMap<string, CompiledArticle>,
  stats: Stats,
  store: LogStore | null,
): Promise<Report> {
  const findings: ReportFinding[] = [];
  for (const f of diagnosis.findings) {
    const done = complete(f, articles.get(f.id), diagnosis.wrapper?.logPath);
    if (store && f.line >= 1 && f.line <= store.lines) done.context = await contextOf(store, f);
    findings.push(done);
  }
  const unmatched = diagnosis.unmatched.map((u) => ({ ...u, message: parseLine(u.text).body }));
  return { ...diagnosis, findings, unmatched, ...stats, shared: false };
}

/** The wrapper an article's rules identify (runc for the runc article), if any. */
function wrapperOf(ruleset: RuleSet, id: string): Wrapper | null {
  return ruleset.rules.find((r) => r.article === id && r.wrapper)?.wrapper ?? null;
}

/**
 * A report for the findings a share link carries: the articles as they are now, the line numbers
 * and captured values from the link, and no log. Unknown article ids are left out.
 */
export function sharedReport(ruleset: RuleSet, share: SharedDiagnosis): Report {
  const articles = new Map(ruleset.articles.map((a) => [a.id, a]));
  const findings: ReportFinding[] = [];
  let wrapper: Report["wrapper"] = null;
  for (const s of share.findings) {
    const article = articles.get(s.id);
    if (!article) continue;
    const finding: Finding = {
      id: s.id,
      title: article.title,
      url: article.url,
      line: s.line,
      text: "",
      captures: s.captures,
      role: s.role,
      rank: findings.length + 1,
      span: [0, 0],
      count: 1,
    };
    findings.push(complete(finding, article, share.logPath));
    const tool = wrapperOf(ruleset, s.id);
    if (tool && !wrapper) wrapper = { tool, logPath: share.logPath ?? s.captures.logPath ?? null };
  }
  return { criu: null, wrapper, findings, unmatched: [], lines: 0, size: 0, ms: 0, shared: true };
}
