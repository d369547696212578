// The CLI's human-readable output: a short report per log, and `--explain` for one article.
// Plain text when piped; ANSI colour only when the caller says the terminal wants it.
import type { CompiledArticle, Diagnosis, Finding } from "./types.js";

export interface Style {
  color: boolean;
  /** Base URL of the published site, so links in a terminal are clickable. */
  siteUrl?: string;
}

const paint = (on: boolean, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export function link(url: string, style: Style): string {
  if (/^https?:/.test(url) || !style.siteUrl) return url;
  return style.siteUrl.replace(/\/+$/, "") + url;
}

// A value the shell reads as one plain word, quoted or not.
const PLAIN_WORD = /^[\w@%+=:,./~-]+$/;

/**
 * Puts captured values into a fix command: `{pid}` becomes the captured pid, or `<pid>` when none
 * was captured. A log is untrusted input: a value that is not one plain word (`;`, `$(...)`,
 * quotes, spaces) is never put into a command a reader may paste; it stays `<pid>`.
 */
export function fillCommand(command: string, captures: Record<string, string>): string {
  return command.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = captures[name];
    return v !== undefined && PLAIN_WORD.test(v) ? v : `<${name}>`;
  });
}

function finding(f: Finding, article: CompiledArticle | undefined, s: Style): string[] {
  const bold = (t: string) => paint(s.color, "1", t);
  const dim = (t: string) => paint(s.color, "2", t);
  const label = f.rank === 1 ? paint(s.color, "1;31", "root cause") : f.role === "cause" ? paint(s.color, "33", "also") : dim("symptom");
  const out = [`${f.rank}. ${label}  ${bold(f.title)}  ${dim(`(line ${f.line})`)}`];
  const text = f.text.length > 300 ? f.text.slice(0, 300) + "…" : f.text;
  out.push(`   ${s.color ? text.slice(0, f.span[0]) + paint(true, "1;31", text.slice(f.span[0], f.span[1])) + text.slice(f.span[1]) : text}`);
  const caps = Object.entries(f.captures);
  if (caps.length) out.push(dim(`   captured: ${caps.map(([k, v]) => `${k}=${v}`).join(", ")}`));
  if (f.rank === 1 && article) {
    out.push(`   ${article.summary}`);
    for (const fix of article.fixes.slice(0, 3)) {
      out.push(`   - ${fix.text}`);
      if (fix.command) out.push(`       ${paint(s.color, "36", fillCommand(fix.command, f.captures))}`);
    }
  }
  out.push(`   ${paint(s.color, "4", link(f.url, s))}`);
  return out;
}

export function formatReport(name: string, d: Diagnosis, s: Style, articles: readonly CompiledArticle[] = []): string {
  const byId = new Map(articles.map((a) => [a.id, a]));
  const facts: string[] = [];
  if (d.criu?.version) facts.push(`CRIU ${d.criu.version}`);
  if (d.criu?.phase) facts.push(d.criu.phase);
  if (d.wrapper) facts.push(`via ${d.wrapper.tool}`);
  const out = [paint(s.color, "1", name) + (facts.length ? `  (${facts.join(", ")})` : "")];
  if (d.wrapper?.logPath) out.push(`   CRIU's own log: ${d.wrapper.logPath}`);
  if (!d.findings.length) out.push("   no known failure found");
  for (const f of d.findings) out.push(...finding(f, byId.get(f.id), s));
  if (d.unmatched.length) {
    out.push(`   Error lines no article explains (${d.unmatched.length}):`);
    for (const u of d.unmatched.slice(0, 10)) out.push(`     ${u.line}: ${u.text.length > 200 ? u.text.slice(0, 200) + "…" : u.text}`);
  }
  return out.join("\n") + "\n";
}

export function explainArticle(a: CompiledArticle, s: Style): string {
  const out = [paint(s.color, "1", a.title), "", a.summary, "", `phase: ${a.phase.join(", ")}   area: ${a.area}`];
  if (a.options.length) out.push(`options: ${a.options.join(" ")}`);
  out.push("", "How to fix:");
  for (const fix of a.fixes) {
    out.push(`  - ${fix.text}`);
    if (fix.command) out.push(`      ${paint(s.color, "36", fix.command)}`);
  }
  out.push("", `Read more: ${link(a.url, s)}`);
  return out.join("\n");
}
