// The checker page: takes a log by paste, drop, file picker or typing, hands it to the worker and
// shows the report, the log view and a share link. A large paste is held in memory and never put
// into the textarea; a file is passed to the worker as a File handle and read there; the log view
// asks the worker for the lines it shows. Nothing is fetched while checking.
import { formatCount, formatSize, plural } from "./dom.ts";
import { LogView, type LineMark } from "./logview.ts";
import { TEXT_PIECE, type PageRequest, type Report, type SharedDiagnosis, type WorkerReply } from "./protocol.ts";
import { renderReport, wrapperName } from "./render.ts";
import { readShare, shareFragment } from "./share.ts";

/** Pastes up to this many characters go into the textarea; larger ones are held and summarised. */
const INLINE_PASTE = 100_000;

type State = "loading" | "ready" | "busy" | "done" | "error";

const $ = <T extends HTMLElement>(selector: string) => {
  const el = document.querySelector<T>(selector);
  if (!el) throw new Error(`checker: ${selector} is missing`);
  return el;
};

const form = $<HTMLFormElement>("#checker");
const textarea = $<HTMLTextAreaElement>("#log");
const fileInput = $<HTMLInputElement>("#log-file");
const heldBox = $<HTMLElement>("#held");
const heldText = $<HTMLElement>("#held-text");
const status = $<HTMLElement>("#status");
const progressBox = $<HTMLElement>("#progress-box");
const progress = $<HTMLProgressElement>("#progress");
const progressText = $<HTMLElement>("#progress-text");
const results = $<HTMLElement>("#results");
const dropZone = $<HTMLElement>("#drop-zone");
const base = form.dataset.base ?? "/";
const repository = form.dataset.repository ?? "";

/** A log to check: text in the page, or a file the worker reads. */
type Log = { kind: "text"; text: string } | { kind: "file"; file: File };

/** A log that is not in the textarea: a large paste or a file. */
let held: { log: Log; label: string; summary: string } | null = null;
let job = 0;
let label = "";
/** Move the focus to the results when they arrive (not for a paste: the person may go on typing). */
let focusResults = false;

function setState(state: State) {
  form.dataset.state = state;
  results.setAttribute("aria-busy", String(state === "busy"));
}

function say(message: string) {
  status.textContent = message;
}

function showProgress(done: number, total: number) {
  progressBox.hidden = false;
  progress.max = total;
  progress.value = done;
  progressText.textContent = `${Math.floor((done / total) * 100)} % of ${formatSize(total)} read`;
}

function hideProgress() {
  progressBox.hidden = true;
}

function send(request: PageRequest) {
  worker?.postMessage(request);
}

const view = new LogView(
  {
    section: $("#logview"),
    scroller: $("#logview-scroller"),
    meta: $("#logview-meta"),
    goto: $<HTMLFormElement>("#logview-goto"),
    gotoInput: $<HTMLInputElement>("#logview-line"),
  },
  (j, from, count) => send({ type: "lines", job: j, from, count }),
);

/** What a screen reader hears when the results arrive. */
function announcement(report: Report): string {
  const causes = report.findings.filter((f) => f.role === "cause");
  const symptoms = report.findings.length - causes.length;
  const [first] = causes;
  const parts: string[] = [];
  if (first) parts.push(`Root cause: ${first.title}${report.shared ? "" : `, line ${formatCount(first.line)}`}.`);
  else if (report.wrapper) parts.push(`Only ${wrapperName(report.wrapper.tool)}'s message was found: CRIU's own log has the cause.`);
  else parts.push("No known failure found.");
  if (report.wrapper?.logPath && (!first || first.area === "wrappers")) parts.push(`CRIU's log is at ${report.wrapper.logPath}.`);
  const more = [
    causes.length > 1 && plural(causes.length - 1, "more cause", "more causes"),
    symptoms > 0 && plural(symptoms, "symptom", "symptoms"),
    report.unmatched.length > 0 && plural(report.unmatched.length, "unexplained Error line", "unexplained Error lines"),
  ].filter(Boolean);
  if (more.length) parts.push(`Also ${more.join(", ")}.`);
  parts.push("Results below the form.");
  return parts.join(" ");
}

function marksOf(report: Report): Map<number, LineMark> {
  const marks = new Map<number, LineMark>();
  for (const u of report.unmatched) marks.set(u.line, { kind: "unmatched" });
  for (const f of [...report.findings].reverse()) {
    const had = marks.get(f.line);
    if (had?.kind === "cause" && f.role === "symptom") continue;
    marks.set(f.line, { kind: f.role, text: f.text, span: f.span });
  }
  return marks;
}

function showReport(report: Report) {
  hideProgress();
  const shareUrl = report.shared
    ? location.href
    : `${location.origin}${location.pathname}${location.search}#${shareFragment(report.findings, report.wrapper?.logPath ?? null)}`;
  results.replaceChildren(renderReport(report, { base, label, repository, shareUrl }));
  if (report.shared) view.close();
  else view.open(job, report.lines, marksOf(report));
  if (held && !report.shared && held.log.kind === "text") {
    heldText.textContent = `${plural(report.lines, "line", "lines")}, ${held.summary}`;
  }
  say(announcement(report));
  setState("done");
  performance.mark("checker:rendered");
  if (focusResults) document.getElementById("results-title")?.focus();
}

function onReply(event: MessageEvent<WorkerReply>) {
  const reply = event.data;
  if (reply.type === "ready") {
    if (form.dataset.state === "loading") setState("ready");
    return;
  }
  if (reply.type === "lines") return view.receive(reply.job, reply.from, reply.rows);
  if (reply.job !== job) return; // an answer to a request that was replaced
  switch (reply.type) {
    case "progress":
      showProgress(reply.done, reply.total);
      break;
    case "result":
      showReport(reply.report);
      break;
    case "error":
      hideProgress();
      say(`Could not check ${label}: ${reply.message}`);
      setState("error");
      break;
  }
}

function broken(message?: string) {
  hideProgress();
  say(`The checker could not run in this browser${message ? `: ${message}` : "."}`);
  setState("error");
}

// Started with the page, so that checking a log later fetches nothing.
let worker: Worker | null = null;
try {
  worker = new Worker(new URL("./diagnose.worker.ts", import.meta.url), { type: "module" });
  worker.addEventListener("message", onReply);
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    broken(event.message);
  });
} catch (e) {
  broken(e instanceof Error ? e.message : undefined);
}

/** A new log replaces a shared diagnosis: the link in the address bar no longer describes the page. */
function dropShareHash() {
  if (readShare(location.hash)) history.replaceState(null, "", `${location.pathname}${location.search}`);
}

/** Lets the page run (paint, take input) between two pieces of a long copy. */
const yieldToPage = () =>
  new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });

/** Sends text to the worker in pieces, each in a task of its own. */
async function sendText(forJob: number, text: string) {
  send({ type: "diagnose", job: forJob, source: { kind: "text", size: text.length } });
  for (let at = 0; at < text.length || at === 0; at += TEXT_PIECE) {
    if (forJob !== job) return; // replaced by a newer log
    const last = at + TEXT_PIECE >= text.length;
    send({ type: "piece", job: forJob, text: text.slice(at, at + TEXT_PIECE), last });
    if (!last) await yieldToPage();
  }
}

function diagnose(log: Log, what: string, focus: boolean) {
  if (!worker) return broken();
  job++;
  label = what;
  focusResults = focus;
  dropShareHash();
  setState("busy");
  hideProgress();
  view.close();
  say(`Checking ${what}…`);
  if (log.kind === "file") send({ type: "diagnose", job, source: log });
  else void sendText(job, log.text);
}

/** Keeps a log out of the textarea, shows `summary` in its place and checks it as `what`. */
function hold(log: Log, summary: string, what: string, focus: boolean) {
  held = { log, label: what, summary };
  textarea.value = "";
  heldText.textContent = summary;
  heldBox.hidden = false;
  diagnose(log, what, focus);
}

function release() {
  held = null;
  heldBox.hidden = true;
  heldText.textContent = "";
}

/** A pasted or dropped text: small ones into the textarea (at the cursor), large ones held. */
function takeText(text: string, intoTextarea: boolean, focus: boolean) {
  if (text.length > INLINE_PASTE) {
    hold({ kind: "text", text }, `${formatSize(text.length)} pasted`, "Pasted log", focus);
    return;
  }
  release();
  if (intoTextarea) textarea.setRangeText(text, textarea.selectionStart, textarea.selectionEnd, "end");
  else textarea.value = text;
  diagnose({ kind: "text", text: textarea.value }, "Pasted log", focus);
}

function takeFile(file: File, more = 0) {
  const note = more ? ` (${plural(more, "other file", "other files")} not checked)` : "";
  hold({ kind: "file", file }, `${file.name}, ${formatSize(file.size)}${note}`, file.name, true);
}

// Paste anywhere on the page except into another field (the header's search box, the log view's).
document.addEventListener("paste", (event) => {
  const target = event.target;
  if (target !== textarea && (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement)) return;
  const data = event.clipboardData;
  if (!data) return;
  performance.mark("checker:input");
  const file = data.files[0];
  const text = file ? "" : data.getData("text/plain");
  if (!file && !text) return;
  event.preventDefault();
  if (file) takeFile(file);
  else takeText(text, target === textarea, false);
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (held) return diagnose(held.log, held.label, true);
  const text = textarea.value;
  if (!text.trim()) {
    say("Nothing to check yet: paste a log, drop a file on the page or open one.");
    textarea.focus();
    return;
  }
  diagnose({ kind: "text", text }, "Typed log", true);
});

textarea.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    form.requestSubmit();
  }
});

// Typing starts a new log: the held paste or file is dropped.
textarea.addEventListener("input", () => {
  if (held) release();
});

fileInput.addEventListener("change", () => {
  const files = fileInput.files;
  performance.mark("checker:input");
  if (files?.[0]) takeFile(files[0], files.length - 1);
  fileInput.value = ""; // choosing the same file again checks it again
});

form.addEventListener("reset", () => {
  job++; // forget a check in progress
  send({ type: "forget", job });
  release();
  dropShareHash();
  results.replaceChildren();
  view.close();
  hideProgress();
  say("");
  setState("ready");
  textarea.focus();
});

async function copy(button: HTMLButtonElement, text: string) {
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    button.textContent = "Select and copy";
    return;
  }
  setTimeout(() => (button.textContent = label), 1500);
}

results.addEventListener("click", (event) => {
  const target = event.target as Element;
  // Copy buttons of the fix commands (filled in with values from the log) and of the share link.
  const copyButton = target.closest<HTMLButtonElement>("button.ck-copy");
  const command = copyButton?.parentElement?.querySelector("pre")?.textContent;
  if (copyButton && command != null) return void copy(copyButton, command);
  const shareButton = target.closest<HTMLButtonElement>("button[data-copy]");
  if (shareButton) {
    const input = document.getElementById(shareButton.dataset.copy!) as HTMLInputElement | null;
    if (input) {
      input.select();
      void copy(shareButton, input.value);
    }
    return;
  }
  // "Show in the log": scroll the log view to the line and focus it.
  const show = target.closest<HTMLButtonElement>("button.ck-show");
  if (show?.dataset.line) view.show(Number(show.dataset.line), true);
});

// A shared diagnosis in the address (#f=...): rendered from the rule set, without a log.
function openShared(share: SharedDiagnosis) {
  if (!worker) return broken();
  job++;
  label = "Shared diagnosis";
  focusResults = false;
  release();
  setState("busy");
  say("Opening the shared diagnosis…");
  send({ type: "shared", job, share });
}

function fromHash() {
  const share = readShare(location.hash);
  if (share) openShared(share);
}
window.addEventListener("hashchange", fromHash);
fromHash();

/**
 * The first report a page draws is several times slower to lay out than the next: the fonts, sizes
 * and weights it uses are looked up and loaded, and the style caches are cold. While the page is
 * idle, a sample report is laid out once out of sight (hidden, inert, without ids) and removed, so
 * that the person's first result appears as fast as later ones. Nothing is fetched: the fonts are
 * the system's.
 */
function warmRendering() {
  if (results.childElementCount) return;
  const cause = "(00.021345)  16817: Error (criu/cr-restore.c:1539): Pid 17550 do not match expected 16817";
  const row = (line: number, text: string, mark?: [number, number]) => (mark ? { line, text, mark } : { line, text });
  const finding = (role: "cause" | "symptom", area: string) => ({
    id: "sample",
    title: "Sample --option",
    url: "",
    line: 16,
    text: cause,
    captures: { expected: "16817" },
    role,
    rank: 1,
    span: [50, 87] as [number, number],
    count: 2,
    summary: "A sample with --an-option.",
    area,
    fixes: [{ text: "Run it with --an-option.", command: [{ text: "ps -p " }, { text: "16817", name: "expected", filled: true }, { text: " " }, { text: "{x}", name: "x", filled: false }] }],
    context: { rows: [row(15, "(00.020011) x"), row(16, cause, [50, 87]), row(17, "(00.021402) y")] },
  });
  const sample: Report = {
    criu: { version: "3.19", phase: "restore" },
    wrapper: { tool: "runc", logPath: "/run/runc/x/restore.log" },
    findings: [finding("cause", "wrappers"), finding("cause", "files"), finding("symptom", "files")],
    unmatched: [{ line: 20, text: "(00.1) Error (criu/x.c:1): sample 12", message: "sample 12" }],
    lines: 20,
    size: 2000,
    ms: 1,
    shared: false,
  };
  const box = document.createElement("div");
  box.setAttribute("aria-hidden", "true");
  box.inert = true;
  box.className = "ck-results";
  box.style.cssText = "position:absolute;left:-10000px;top:0;visibility:hidden;pointer-events:none";
  box.style.width = `${results.parentElement?.clientWidth ?? 800}px`;
  const scroller = document.createElement("div");
  scroller.className = "ck-log__scroller";
  scroller.style.height = "5rem";
  const rows = document.createElement("div");
  rows.className = "ck-log__rows";
  scroller.append(rows);
  box.append(renderReport(sample, { base, label: "Sample", repository, shareUrl: `${location.origin}/#f=sample,1` }), scroller);
  for (const kind of ["", " ck-row--cause", " ck-row--unmatched ck-row--target"]) {
    const r = document.createElement("div");
    r.className = `ck-row${kind}`;
    const n = document.createElement("span");
    n.className = "ck-row__n";
    n.textContent = "16";
    const t = document.createElement("span");
    t.className = "ck-row__t";
    t.append(cause.slice(0, 50), Object.assign(document.createElement("mark"), { textContent: cause.slice(50) }));
    r.append(n, t);
    rows.append(r);
  }
  for (const el of box.querySelectorAll("[id]")) el.removeAttribute("id");
  document.body.append(box);
  void box.getBoundingClientRect().height; // lay it out now
  box.remove();
}
const idle = (fn: () => void) =>
  "requestIdleCallback" in window ? requestIdleCallback(fn, { timeout: 2000 }) : setTimeout(fn, 300);
idle(warmRendering);

// Drag and drop of a file (or of text) anywhere on the page.
let dragDepth = 0;
const carriesLog = (event: DragEvent) =>
  !!event.dataTransfer && [...event.dataTransfer.types].some((t) => t === "Files" || t === "text/plain");

document.addEventListener("dragenter", (event) => {
  if (!carriesLog(event)) return;
  event.preventDefault();
  dragDepth++;
  dropZone.hidden = false;
});
document.addEventListener("dragover", (event) => {
  if (!carriesLog(event)) return;
  event.preventDefault();
  event.dataTransfer!.dropEffect = "copy";
});
document.addEventListener("dragleave", () => {
  if (--dragDepth <= 0) {
    dragDepth = 0;
    dropZone.hidden = true;
  }
});
document.addEventListener("drop", (event) => {
  dragDepth = 0;
  dropZone.hidden = true;
  const data = event.dataTransfer;
  if (!data) return;
  event.preventDefault();
  performance.mark("checker:input");
  const file = data.files[0];
  if (file) takeFile(file, data.files.length - 1);
  else {
    const text = data.getData("text/plain");
    if (text) takeText(text, false, true);
  }
});
