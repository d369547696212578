// Draws a diagnosis report. Everything that comes from the log (lines, captures, paths, versions)
// is inserted as text through h(); nothing here parses HTML.
import { formatCount, formatSize, h, plural } from "./dom.ts";
import { splitOptions, type CommandPart } from "../lib/text.ts";
import type { Report, ReportFinding, ReportFix } from "./protocol.ts";

/** Longest part of a log line shown; longer lines are cut around the match. */
const MAX_LINE = 500;

export interface RenderOptions {
  /** The site's base path with a trailing slash, for links to the articles. */
  base: string;
  /** What was checked, e.g. "restore.log" or "Pasted log". */
  label: string;
}

const articleUrl = (base: string, id: string) => `${base}failures/${encodeURIComponent(id)}/`;

/** A value from the log (a capture, a path), cut when a greedy pattern took a whole long line. */
const clip = (value: string, max = 300) => (value.length > max ? `${value.slice(0, max)}…` : value);

/** A log line with its line number, the matched part marked, cut to MAX_LINE around the match. */
function logLine(line: number, text: string, span?: [number, number]) {
  let [start, end] = span ?? [0, 0];
  let from = 0;
  let to = text.length;
  if (text.length > MAX_LINE) {
    from = Math.max(0, Math.min(start - 100, text.length - MAX_LINE));
    to = Math.min(text.length, from + MAX_LINE);
  }
  start = Math.min(Math.max(start, from), to);
  end = Math.min(Math.max(end, start), to);
  const code = h(
    "code",
    null,
    from > 0 && h("span", { class: "cut", title: "The start of this line is not shown" }, "…"),
    span ? [text.slice(from, start), h("mark", null, text.slice(start, end)), text.slice(end, to)] : text.slice(from, to),
    to < text.length && h("span", { class: "cut", title: "The rest of this line is not shown" }, "…"),
  );
  return h(
    "figure",
    { class: "logline-figure" },
    h("figcaption", null, `Line ${formatCount(line)}`),
    h("pre", { class: "logline" }, code),
  );
}

function captures(values: Record<string, string>) {
  const entries = Object.entries(values);
  if (!entries.length) return null;
  return h(
    "dl",
    { class: "captures", "aria-label": "Values captured from the line" },
    entries.map(([name, value]) => h("div", null, h("dt", null, name), h("dd", null, h("code", null, clip(value))))),
  );
}

/** Text with CRIU options set as code. */
const prose = (text: string) => splitOptions(text).map((p) => (p.option ? h("code", { class: "option" }, p.text) : p.text));

/** A fix command with the captured values marked, and a button that copies it. */
function command(parts: CommandPart[]) {
  const code = h(
    "code",
    null,
    parts.map((part) =>
      !part.name
        ? part.text
        : part.filled
          ? h("mark", { class: "capture", title: `${part.name}, taken from the log` }, part.text)
          : h("var", { class: "placeholder", title: "Not found in this log: put in the value yourself" }, part.text),
    ),
  );
  return h(
    "div",
    { class: "command-box" },
    h("pre", { class: "command" }, code),
    h("button", { type: "button", class: "copy", "aria-label": "Copy the command" }, "Copy"),
  );
}

function fixList(fixes: ReportFix[]) {
  return h(
    "ol",
    { class: "fixes" },
    fixes.map((fix) => h("li", null, h("p", null, prose(fix.text)), fix.command && command(fix.command))),
  );
}

const matchedTimes = (f: ReportFinding) => (f.count > 1 ? ` (this article matched ${formatCount(f.count)} lines)` : "");

function rootCause(f: ReportFinding, base: string) {
  const url = articleUrl(base, f.id);
  return h(
    "article",
    { class: "finding finding--root", "aria-labelledby": "root-cause-title", "data-finding": f.id },
    h("p", { class: "kicker" }, "Most likely root cause"),
    h("h3", { id: "root-cause-title" }, h("a", { href: url }, prose(f.title))),
    f.summary && h("p", { class: "finding__summary" }, prose(f.summary)),
    logLine(f.line, f.text, f.span),
    captures(f.captures),
    h("h4", null, "How to fix it"),
    fixList(f.fixes),
    h("p", { class: "finding__more" }, h("a", { href: url }, "Read the whole article"), matchedTimes(f)),
  );
}

function otherFinding(f: ReportFinding, base: string) {
  const url = articleUrl(base, f.id);
  return h(
    "li",
    { class: "finding", "data-finding": f.id },
    h("h4", null, h("a", { href: url }, prose(f.title))),
    f.summary && h("p", { class: "finding__summary" }, prose(f.summary)),
    logLine(f.line, f.text, f.span),
    captures(f.captures),
    f.role === "cause" && f.fixes.length > 0 && h("details", null, h("summary", null, "How to fix it"), fixList(f.fixes)),
    matchedTimes(f) && h("p", { class: "finding__count" }, matchedTimes(f).trim()),
  );
}

/** CRIU version, phase and wrapper, as far as the log tells them. */
function context(report: Report) {
  const rows: [string, Node | string][] = [];
  if (report.criu?.version) rows.push(["CRIU version", clip(report.criu.version, 40)]);
  if (report.criu?.phase) rows.push(["Phase", report.criu.phase]);
  if (report.wrapper) {
    rows.push(["Run by", report.wrapper.tool]);
    if (report.wrapper.logPath) rows.push([`${report.wrapper.tool}'s CRIU log`, h("code", null, clip(report.wrapper.logPath))]);
  }
  if (!rows.length) return null;
  return h(
    "dl",
    { class: "log-context", "aria-label": "Detected in the log" },
    rows.map(([term, value]) => h("div", null, h("dt", null, term), h("dd", null, value))),
  );
}

export function renderReport(report: Report, { base, label }: RenderOptions): DocumentFragment {
  const causes = report.findings.filter((f) => f.role === "cause");
  const symptoms = report.findings.filter((f) => f.role === "symptom");
  const [first, ...others] = causes;
  const out = document.createDocumentFragment();

  out.append(
    h("h2", { id: "results-title", tabindex: "-1" }, "Diagnosis"),
    h(
      "p",
      { class: "results__stats" },
      `${label}: ${plural(report.lines, "line", "lines")} (${formatSize(report.size)}) checked in ${formatCount(report.ms)} ms. `,
      report.findings.length
        ? `Recognised: ${[causes.length && plural(causes.length, "cause", "causes"), symptoms.length && plural(symptoms.length, "symptom", "symptoms")].filter(Boolean).join(", ")}.`
        : "No known failure recognised.",
    ),
  );
  const ctx = context(report);
  if (ctx) out.append(ctx);

  if (report.wrapper?.logPath && !first) {
    out.append(
      h(
        "p",
        { class: "notice" },
        `This is ${report.wrapper.tool}'s output. CRIU wrote its own, more detailed log to `,
        h("code", null, clip(report.wrapper.logPath)),
        ": check that file to find the root cause.",
      ),
    );
  }

  if (first) out.append(rootCause(first, base));
  else if (!report.findings.length)
    out.append(
      h(
        "div",
        { class: "notice" },
        h("p", null, "No line of this log matches a failure criu-doctor knows."),
        h(
          "p",
          null,
          "Check that it is CRIU's own log (the file given to ",
          h("code", null, "-o"),
          ", written with ",
          h("code", null, "-v4"),
          ") and not only the wrapper's message; the lines below marked Error are the best place to start.",
        ),
      ),
    );

  if (others.length)
    out.append(
      h("h3", null, first ? "Other causes found" : "Causes found"),
      h("ol", { class: "findings" }, others.map((f) => otherFinding(f, base))),
    );
  if (symptoms.length)
    out.append(
      h("h3", null, "Symptoms"),
      h("p", { class: "hint" }, "Lines that follow from a failure rather than name it."),
      h("ol", { class: "findings" }, symptoms.map((f) => otherFinding(f, base))),
    );
  if (report.unmatched.length)
    out.append(
      h("h3", null, "Error lines no article explains"),
      h(
        "p",
        { class: "hint" },
        first
          ? "Usually consequences of the root cause above; if it does not fit, one of these may be the real cause."
          : "One of these is probably the cause; search for its message in the articles.",
      ),
      h("ol", { class: "unmatched" }, report.unmatched.map((u) => h("li", null, logLine(u.line, u.text)))),
    );
  return out;
}
