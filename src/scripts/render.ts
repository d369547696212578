// Draws a diagnosis report. Everything that comes from the log (lines, captures, paths, versions)
// is inserted as text through h(); nothing here parses HTML.
import { formatCount, formatSize, h, plural } from "./dom.ts";
import { splitOptions, type CommandPart } from "../lib/text.ts";
import type { Report, ReportFinding, ReportFix, ReportUnmatched, ViewRow } from "./protocol.ts";
import { proposalUrl, searchTerms } from "./propose.ts";
import { PLAIN_WORD } from "./plain.ts";

export interface RenderOptions {
  /** The site's base path with a trailing slash, for links to the articles. */
  base: string;
  /** What was checked, e.g. "restore.log" or "Pasted log". */
  label: string;
  /** The repository's URL, where proposals for new articles are opened. */
  repository: string;
  /** The link that reopens this diagnosis, or null when there is nothing to share. */
  shareUrl: string | null;
}

const WRAPPER_NAMES: Record<string, string> = {
  runc: "runc",
  crun: "crun",
  podman: "Podman",
  docker: "Docker",
  containerd: "containerd",
  "cri-o": "CRI-O",
  kubernetes: "Kubernetes",
  lxd: "LXD",
  crac: "CRaC",
  openj9: "OpenJ9",
  libcriu: "libcriu",
};
export const wrapperName = (tool: string) => WRAPPER_NAMES[tool] ?? tool;

const articleUrl = (base: string, id: string) => `${base}failures/${encodeURIComponent(id)}/`;

/** A value from the log (a capture, a path), cut when a greedy pattern took a whole long line. */
const clip = (value: string, max = 300) => (value.length > max ? `${value.slice(0, max)}…` : value);


/** Text with CRIU options set as code. */
const prose = (text: string) => splitOptions(text).map((p) => (p.option ? h("code", { class: "option" }, p.text) : p.text));

/** One row of a log excerpt: its number, then its text with the match marked. */
function excerptRow(r: ViewRow, focus: boolean) {
  const text: (Node | string)[] = r.mark
    ? [r.text.slice(0, r.mark[0]), h("mark", null, r.text.slice(r.mark[0], r.mark[1])), r.text.slice(r.mark[1])]
    : [r.text];
  return h(
    "span",
    { class: focus ? "ck-ex__row ck-ex__row--focus" : "ck-ex__row" },
    h("span", { class: "ck-ex__n", "aria-hidden": "true" }, String(r.line)),
    h(
      "span",
      { class: "ck-ex__t" },
      r.cutStart && h("span", { class: "ck-cut", title: "The start of this line is not shown" }, "…"),
      ...text,
      r.cutEnd && h("span", { class: "ck-cut", title: "The rest of this line is not shown" }, "…"),
    ),
    "\n",
  );
}

/** "Show in the log" for a line number, when the log is there to show. */
const showButton = (line: number, report: Report) =>
  !report.shared &&
  h("button", { type: "button", class: "ck-show", "data-line": String(line) }, "Show in the log", h("span", { class: "visually-hidden" }, ` (line ${formatCount(line)})`));

/** A finding's line with the lines around it; in a shared report, only its number. */
function excerpt(f: ReportFinding, report: Report) {
  const caption = h(
    "figcaption",
    null,
    h("span", { class: "ck-ex__where" }, `Line ${formatCount(f.line)}`),
    f.context && f.context.rows.length > 1 && h("span", { class: "ck-ex__span" }, ` with the lines around it`),
    showButton(f.line, report),
  );
  if (!f.context)
    return h("figure", { class: "ck-ex ck-ex--shared" }, caption);
  const rows = f.context.rows;
  return h(
    "figure",
    { class: "ck-ex" },
    caption,
    h("pre", { class: "ck-ex__pre" }, h("code", null, rows.map((r) => excerptRow(r, r.line === f.line)))),
    f.context.decoded &&
      h(
        "div",
        { class: "ck-ex__decoded" },
        h("p", { class: "ck-ex__note" }, "The same line decoded (it held an escaped string):"),
        h("pre", { class: "ck-ex__pre" }, h("code", null, excerptRow(f.context.decoded, true))),
      ),
  );
}

function captures(values: Record<string, string>) {
  const entries = Object.entries(values);
  if (!entries.length) return null;
  return h(
    "dl",
    { class: "ck-captures", "aria-label": "Values captured from the line" },
    entries.map(([name, value]) => h("div", null, h("dt", null, name), h("dd", null, h("code", null, clip(value))))),
  );
}

/** A command with a button that copies it. */
function commandBox(code: HTMLElement, label: string) {
  return h(
    "div",
    { class: "ck-command" },
    h("pre", { class: "command" }, code),
    h("button", { type: "button", class: "ck-copy", "aria-label": label }, "Copy"),
  );
}

/** A fix command with the captured values marked. */
function command(parts: CommandPart[]) {
  const code = h(
    "code",
    null,
    parts.map((part) =>
      !part.name
        ? part.text
        : part.filled
          ? h("mark", { class: "capture", title: `${part.name}, taken from the log` }, part.text)
          : h(
              "var",
              { class: "placeholder", title: "Put in the value yourself: not found in this log, or not a plain word that is safe to paste" },
              part.text,
            ),
    ),
  );
  return commandBox(code, "Copy the command");
}

function fixList(fixes: ReportFix[]) {
  return h(
    "ol",
    { class: "fixes ck-fixes" },
    fixes.map((fix) => h("li", null, h("p", null, prose(fix.text)), fix.command && command(fix.command))),
  );
}

const matchedTimes = (f: ReportFinding) => (f.count > 1 ? `This article matched ${formatCount(f.count)} lines of the log.` : "");

function rootCause(f: ReportFinding, report: Report, base: string) {
  const url = articleUrl(base, f.id);
  return h(
    "article",
    { class: "ck-card ck-card--root", "aria-labelledby": "root-cause-title", "data-finding": f.id },
    h("p", { class: "kicker" }, "Most likely root cause"),
    h("h3", { id: "root-cause-title", class: "ck-card__title" }, h("a", { href: url }, prose(f.title))),
    f.summary && h("p", { class: "ck-card__summary" }, prose(f.summary)),
    excerpt(f, report),
    captures(f.captures),
    f.fixes.length > 0 && h("h4", { class: "ck-card__fix" }, "How to fix it"),
    f.fixes.length > 0 && fixList(f.fixes),
    h(
      "p",
      { class: "ck-card__more" },
      h("a", { href: url, class: "ck-card__read" }, "Read the article", h("span", { class: "visually-hidden" }, `: ${f.title}`)),
      matchedTimes(f) && ` ${matchedTimes(f)}`,
    ),
  );
}

function otherFinding(f: ReportFinding, report: Report, base: string) {
  const url = articleUrl(base, f.id);
  return h(
    "li",
    { class: "ck-card", "data-finding": f.id },
    h("h4", { class: "ck-card__title" }, h("a", { href: url }, prose(f.title))),
    f.summary && h("p", { class: "ck-card__summary" }, prose(f.summary)),
    excerpt(f, report),
    captures(f.captures),
    f.role === "cause" &&
      f.fixes.length > 0 &&
      h("details", { class: "ck-card__details" }, h("summary", null, "How to fix it"), fixList(f.fixes)),
    matchedTimes(f) && h("p", { class: "ck-card__more" }, matchedTimes(f)),
  );
}

/** CRIU version, phase and wrapper, as far as the log tells them. */
function detected(report: Report) {
  const rows: [string, Node | string][] = [];
  rows.push(["CRIU version", report.criu?.version ? clip(report.criu.version, 40) : "not stated"]);
  rows.push(["Phase", report.criu?.phase ?? "not known"]);
  rows.push(["Run by", report.wrapper ? wrapperName(report.wrapper.tool) : "criu directly, or not stated"]);
  if (report.wrapper?.logPath) rows.push([`CRIU's log (${wrapperName(report.wrapper.tool)})`, h("code", null, clip(report.wrapper.logPath))]);
  return h(
    "dl",
    { class: "ck-detected", "aria-label": "Detected in the log" },
    rows.map(([term, value]) => h("div", null, h("dt", null, term), h("dd", null, value))),
  );
}

/**
 * Where the wrapper left CRIU's own log, when the log holds the wrapper's message but no CRIU
 * cause: that file has the line that explains the failure.
 */
function wrapperBox(report: Report, root: ReportFinding | undefined) {
  const w = report.wrapper;
  if (!w || (root && root.area !== "wrappers")) return null;
  const name = wrapperName(w.tool);
  if (!w.logPath)
    return h(
      "div",
      { class: "ck-wrapper", role: "note" },
      h("h3", { class: "ck-wrapper__title" }, `This is ${name}'s message, not CRIU's`),
      h(
        "p",
        null,
        `${name} only reports that CRIU failed. The reason is in CRIU's own log, which this output does not locate: `,
        root ? "the article below says where " : "the wrapper's article says where ",
        `${name} keeps it and how to get it. Paste that log here.`,
      ),
    );
  const path = clip(w.logPath, 500);
  return h(
    "div",
    { class: "ck-wrapper", role: "note" },
    h("h3", { class: "ck-wrapper__title" }, `This is ${name}'s message: CRIU's own log has the cause`),
    h("p", null, `${name} only reports that CRIU failed. CRIU wrote what went wrong to this file:`),
    h("p", { class: "ck-wrapper__path" }, h("code", null, path)),
    h("p", null, "Read it on the machine where the command failed (it is usually readable only by root), then paste it here or open it with the button above:"),
    // A path that is not one plain word is not put into a command someone will paste.
    commandBox(
      h(
        "code",
        null,
        "sudo cat ",
        PLAIN_WORD.test(w.logPath)
          ? w.logPath
          : h("var", { class: "placeholder", title: "Put in the path above: it holds characters a shell would interpret" }, "{logPath}"),
      ),
      "Copy the command that prints CRIU's log",
    ),
  );
}

function unmatchedItem(u: ReportUnmatched, report: Report, { base, repository }: RenderOptions) {
  const terms = searchTerms(u.message);
  return h(
    "li",
    { class: "ck-unmatched__item" },
    h(
      "figure",
      { class: "ck-ex" },
      h("figcaption", null, h("span", { class: "ck-ex__where" }, `Line ${formatCount(u.line)}`), showButton(u.line, report)),
      h("pre", { class: "ck-ex__pre" }, h("code", null, excerptRow({ line: u.line, text: clip(u.text, 500) }, true))),
    ),
    h(
      "p",
      { class: "ck-unmatched__links" },
      terms &&
        h(
          "a",
          { href: `${base}search/?q=${encodeURIComponent(terms)}` },
          "Search the articles",
          h("span", { class: "visually-hidden" }, ` for “${terms}”`),
        ),
      h(
        "a",
        { href: proposalUrl(repository, u.message, report.criu?.version ?? null), rel: "noopener", target: "_blank" },
        "Propose an article",
        h("span", { class: "visually-hidden" }, " for this message on GitHub (opens in a new tab)"),
      ),
    ),
  );
}

function shareBox(url: string) {
  return h(
    "section",
    { class: "ck-share", "aria-labelledby": "share-title" },
    h("h3", { id: "share-title" }, "Share this diagnosis"),
    h(
      "p",
      { class: "hint", id: "share-what" },
      "The link holds the article names, line numbers and the values found in the lines, not the log itself.",
    ),
    h(
      "div",
      { class: "ck-share__row" },
      h("label", { class: "visually-hidden", for: "share-url" }, "Link to this diagnosis"),
      h("input", { id: "share-url", class: "ck-share__url", type: "text", readonly: "", value: url, "aria-describedby": "share-what" }),
      h("button", { type: "button", class: "button ck-share__copy", "data-copy": "share-url" }, "Copy link"),
    ),
  );
}

export function renderReport(report: Report, options: RenderOptions): DocumentFragment {
  const { base, label } = options;
  const causes = report.findings.filter((f) => f.role === "cause");
  const symptoms = report.findings.filter((f) => f.role === "symptom");
  const [first, ...others] = causes;
  const out = document.createDocumentFragment();

  out.append(h("h2", { id: "results-title", tabindex: "-1" }, report.shared ? "Shared diagnosis" : "Diagnosis"));
  if (report.shared)
    out.append(
      h(
        "div",
        { class: "notice ck-shared-note" },
        h("p", null, "This diagnosis was shared as a link. It names the articles, line numbers and values found; the log itself is not shared, so its lines are not shown."),
        h("p", null, "To see the lines, check the log again on this page."),
      ),
    );
  else
    out.append(
      h(
        "p",
        { class: "ck-stats" },
        `${label}: ${plural(report.lines, "line", "lines")} (${formatSize(report.size)}) checked in ${formatCount(report.ms)} ms. `,
        report.findings.length
          ? `Recognised: ${[causes.length && plural(causes.length, "cause", "causes"), symptoms.length && plural(symptoms.length, "symptom", "symptoms")].filter(Boolean).join(", ")}.`
          : "No known failure recognised.",
      ),
      detected(report),
    );

  const wrapper = wrapperBox(report, first);
  if (wrapper) out.append(wrapper);

  if (first) out.append(rootCause(first, report, base));
  else if (!report.findings.length)
    out.append(
      h(
        "div",
        { class: "notice ck-nothing" },
        h("p", null, "No line of this log matches a failure criu-doctor knows."),
        h(
          "p",
          null,
          "Check that it is CRIU's own log (the file given to ",
          h("code", null, "-o"),
          ", written with ",
          h("code", null, "-v4"),
          ") and not only the wrapper's message",
          report.unmatched.length ? "; the Error lines below are the best place to start." : ".",
        ),
      ),
    );

  if (others.length)
    out.append(
      h("h3", { class: "ck-section" }, first ? "Other causes found" : "Causes found"),
      h("ol", { class: "ck-list" }, others.map((f) => otherFinding(f, report, base))),
    );
  if (symptoms.length)
    out.append(
      h("h3", { class: "ck-section" }, "Symptoms"),
      h("p", { class: "hint" }, "Lines that follow from a failure rather than name it."),
      h("ol", { class: "ck-list" }, symptoms.map((f) => otherFinding(f, report, base))),
    );
  if (report.unmatched.length)
    out.append(
      h("h3", { class: "ck-section" }, "Error lines no article explains"),
      h(
        "p",
        { class: "hint" },
        first
          ? "Usually consequences of the root cause above; if it does not fit, one of these may be the real cause. "
          : "One of these is probably the cause. ",
        "Search the articles for a message, or propose a new article: the proposal holds only that message, a rule pattern made from it and the CRIU version.",
      ),
      h("ol", { class: "ck-list ck-unmatched" }, report.unmatched.map((u) => unmatchedItem(u, report, options))),
    );
  if (options.shareUrl && report.findings.length) out.append(shareBox(options.shareUrl));
  return out;
}
