// The checker page: takes a log by paste, drop, file picker or typing, hands it to the worker and
// shows the report. A large paste is held in memory and never put into the textarea; a file is
// passed to the worker as a File handle and read there. Nothing is fetched while checking.
import { formatSize, plural } from "./dom.ts";
import type { DiagnoseRequest, LogSource, WorkerReply } from "./protocol.ts";
import { renderReport } from "./render.ts";

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
const progress = $<HTMLProgressElement>("#progress");
const results = $<HTMLElement>("#results");
const dropZone = $<HTMLElement>("#drop-zone");
const base = form.dataset.base ?? "/";

/** A log that is not in the textarea: a large paste or a file. */
let held: { source: LogSource; label: string } | null = null;
let job = 0;
let label = "";

function setState(state: State) {
  form.dataset.state = state;
  results.setAttribute("aria-busy", String(state === "busy"));
}

function say(message: string) {
  status.textContent = message;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return text.length && !text.endsWith("\n") ? n + 1 : n;
}

function onReply(event: MessageEvent<WorkerReply>) {
  const reply = event.data;
  if (reply.type === "ready") {
    if (form.dataset.state === "loading") setState("ready");
    return;
  }
  if (reply.job !== job) return; // an answer to a request that was replaced
  switch (reply.type) {
    case "progress": {
      progress.hidden = false;
      progress.max = reply.total;
      progress.value = reply.done;
      say(`Checking ${label}: ${Math.floor((reply.done / reply.total) * 100)} %`);
      break;
    }
    case "result": {
      progress.hidden = true;
      results.replaceChildren(renderReport(reply.report, { base, label }));
      const n = reply.report.findings.filter((f) => f.role === "cause").length;
      say(n ? `Done: ${plural(n, "cause", "causes")} found.` : "Done: no known failure found.");
      setState("done");
      break;
    }
    case "error": {
      progress.hidden = true;
      say(`Could not check ${label}: ${reply.message}`);
      setState("error");
      break;
    }
  }
}

function broken(message?: string) {
  progress.hidden = true;
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

function diagnose(source: LogSource, what: string) {
  if (!worker) return broken();
  job++;
  label = what;
  setState("busy");
  progress.hidden = true;
  say(`Checking ${what}…`);
  const request: DiagnoseRequest = { type: "diagnose", job, source };
  worker.postMessage(request);
}

/** Keeps a log out of the textarea, shows `summary` in its place and checks it as `what`. */
function hold(source: LogSource, summary: string, what: string) {
  held = { source, label: what };
  textarea.value = "";
  heldText.textContent = summary;
  heldBox.hidden = false;
  diagnose(source, what);
}

function release() {
  held = null;
  heldBox.hidden = true;
  heldText.textContent = "";
}

/** A pasted or dropped text: small ones into the textarea (at the cursor), large ones held. */
function takeText(text: string, intoTextarea: boolean) {
  if (text.length > INLINE_PASTE) {
    hold({ kind: "text", text }, `${plural(countLines(text), "line", "lines")}, ${formatSize(text.length)} pasted`, "Pasted log");
    return;
  }
  release();
  if (intoTextarea) textarea.setRangeText(text, textarea.selectionStart, textarea.selectionEnd, "end");
  else textarea.value = text;
  diagnose({ kind: "text", text: textarea.value }, "Pasted log");
}

function takeFile(file: File, more = 0) {
  const note = more ? ` (${plural(more, "other file", "other files")} not checked)` : "";
  hold({ kind: "file", file }, `${file.name}, ${formatSize(file.size)}${note}`, file.name);
}

// Paste anywhere on the page except into another field (the header's search box).
document.addEventListener("paste", (event) => {
  const target = event.target;
  if (target !== textarea && (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement)) return;
  const data = event.clipboardData;
  if (!data) return;
  const file = data.files[0];
  const text = file ? "" : data.getData("text/plain");
  if (!file && !text) return;
  event.preventDefault();
  if (file) takeFile(file);
  else takeText(text, target === textarea);
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (held) return diagnose(held.source, held.label);
  const text = textarea.value;
  if (!text.trim()) {
    say("Nothing to check yet: paste a log, drop a file on the page or open one.");
    textarea.focus();
    return;
  }
  diagnose({ kind: "text", text }, "Typed log");
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
  if (files?.[0]) takeFile(files[0], files.length - 1);
  fileInput.value = ""; // choosing the same file again checks it again
});

form.addEventListener("reset", () => {
  job++; // forget a check in progress
  release();
  results.replaceChildren();
  progress.hidden = true;
  say("");
  setState("ready");
  textarea.focus();
});

// Copy buttons of the fix commands (filled in with values from the log).
results.addEventListener("click", (event) => {
  const button = (event.target as Element).closest<HTMLButtonElement>("button.copy");
  const command = button?.parentElement?.querySelector("pre")?.textContent;
  if (!button || command == null) return;
  navigator.clipboard.writeText(command).then(
    () => {
      button.textContent = "Copied";
      setTimeout(() => (button.textContent = "Copy"), 1500);
    },
    () => {
      button.textContent = "Select and copy";
    },
  );
});

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
  const file = data.files[0];
  if (file) takeFile(file, data.files.length - 1);
  else {
    const text = data.getData("text/plain");
    if (text) takeText(text, false);
  }
});

