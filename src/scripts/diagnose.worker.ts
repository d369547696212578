// The checker's Web Worker: runs the engine off the main thread. Files are read here, slice by
// slice, and pushed into the diagnoser as they arrive, so a 100 MB log never sits in the page.
import { createDiagnoser, createMatcher } from "../../rules/engine.ts";
import { ruleset } from "../../rules/generated/ruleset.ts";
import type { DiagnoseRequest, LogSource, WorkerReply } from "./protocol.ts";
import { toReport } from "./report.ts";

/** Bytes of a file read at a time, and characters of pasted text pushed at a time. */
const CHUNK = 4 << 20;

interface WorkerScope {
  postMessage(message: WorkerReply): void;
  addEventListener(type: "message", listener: (event: MessageEvent<DiagnoseRequest>) => void): void;
}
const scope = self as unknown as WorkerScope;

const matcher = createMatcher(ruleset);
const articles = new Map(ruleset.articles.map((a) => [a.id, a]));
/** The job being worked on; a newer request makes an older one stop at its next chunk. */
let current = 0;

scope.addEventListener("message", (event) => {
  const { job, source } = event.data;
  current = job;
  diagnose(job, source).catch((e: unknown) => {
    scope.postMessage({ type: "error", job, message: e instanceof Error ? e.message : String(e) });
  });
});

/** Yields to the event loop, so that a newer request can arrive and cancel this one. */
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Counts line feeds in text or in UTF-8 bytes (10 is "\n" in both). */
function countLines(data: string | Uint8Array): number {
  let n = 0;
  if (typeof data === "string") for (let i = data.indexOf("\n"); i >= 0; i = data.indexOf("\n", i + 1)) n++;
  else for (let i = data.indexOf(10); i >= 0; i = data.indexOf(10, i + 1)) n++;
  return n;
}

async function diagnose(job: number, source: LogSource): Promise<void> {
  const started = performance.now();
  const diagnoser = createDiagnoser(matcher);
  let lines = 0;
  let endsWithNewline = true;
  let size: number;

  if (source.kind === "text") {
    const { text } = source;
    size = text.length;
    for (let at = 0; at < size; at += CHUNK) {
      const chunk = text.slice(at, at + CHUNK);
      diagnoser.push(chunk);
      lines += countLines(chunk);
      if (size > CHUNK) {
        scope.postMessage({ type: "progress", job, done: Math.min(at + CHUNK, size), total: size });
        await pause();
        if (job !== current) return;
      }
    }
    endsWithNewline = size === 0 || text.endsWith("\n");
  } else {
    // The file is read here, slice by slice; the engine takes the raw UTF-8 bytes and keeps a
    // character or a line split between two slices whole.
    const { file } = source;
    size = file.size;
    for (let at = 0; at < size; at += CHUNK) {
      const bytes = new Uint8Array(await file.slice(at, at + CHUNK).arrayBuffer());
      if (job !== current) return;
      diagnoser.pushBytes(bytes);
      lines += countLines(bytes);
      endsWithNewline = bytes[bytes.length - 1] === 10;
      scope.postMessage({ type: "progress", job, done: Math.min(at + CHUNK, size), total: size });
    }
  }

  const diagnosis = diagnoser.end();
  if (!endsWithNewline) lines++;
  const ms = Math.round(performance.now() - started);
  scope.postMessage({ type: "result", job, report: toReport(diagnosis, articles, { lines, size, ms }) });
}

scope.postMessage({ type: "ready", articles: ruleset.articles.length });
