// The checker's Web Worker: runs the engine off the main thread and keeps the log for the page's
// log view. Files are read here, slice by slice, pushed into the diagnoser as they arrive and kept
// (as bytes, with an index of line starts), so a 100 MB log never sits in the page: the page asks
// for the lines it shows, a screenful at a time. Nothing here touches the network.
import { createDiagnoser, createMatcher, regexOf, type Diagnoser } from "../../rules/engine.ts";
import { ruleset } from "../../rules/generated/ruleset.ts";
import { ByteStore, TextStore, type LogStore } from "./logstore.ts";
import type { PageRequest, WorkerReply } from "./protocol.ts";
import { sharedReport, toReport } from "./report.ts";

/** Bytes of a file read at a time. */
const CHUNK = 4 << 20;
/** Most lines one request of the log view may ask for. */
const MAX_ROWS = 2000;

interface WorkerScope {
  postMessage(message: WorkerReply): void;
  addEventListener(type: "message", listener: (event: MessageEvent<PageRequest>) => void): void;
}
const scope = self as unknown as WorkerScope;

const matcher = createMatcher(ruleset);
const articles = new Map(ruleset.articles.map((a) => [a.id, a]));
/** The job being worked on; a newer request makes an older one stop at its next chunk. */
let current = 0;
/** The log of the last finished job, for the log view. */
let held: { job: number; store: LogStore } | null = null;

const fail = (job: number, e: unknown) =>
  scope.postMessage({ type: "error", job, message: e instanceof Error ? e.message : String(e) });

/** The text of the current job, arriving piece by piece. */
let incoming: { job: number; diagnoser: Diagnoser; store: TextStore; size: number; started: number } | null = null;

scope.addEventListener("message", (event) => {
  const request = event.data;
  switch (request.type) {
    case "diagnose":
      current = request.job;
      held = null;
      incoming = null;
      warm.stop = true;
      if (request.source.kind === "text") {
        incoming = {
          job: request.job,
          diagnoser: createDiagnoser(matcher),
          store: new TextStore(),
          size: request.source.size,
          started: performance.now(),
        };
      } else diagnoseFile(request.job, request.source.file).catch((e: unknown) => fail(request.job, e));
      break;
    case "piece":
      if (incoming?.job !== request.job) return;
      try {
        piece(incoming, request.text, request.last);
      } catch (e) {
        incoming = null;
        fail(request.job, e);
      }
      break;
    case "lines":
      if (held?.job !== request.job) return;
      lines(held.store, request.job, request.from, request.count).catch((e: unknown) => fail(request.job, e));
      break;
    case "shared":
      current = request.job;
      held = null;
      incoming = null;
      scope.postMessage({ type: "result", job: request.job, report: sharedReport(ruleset, request.share) });
      break;
    case "forget":
      current = request.job;
      held = null;
      incoming = null;
      break;
  }
});

async function lines(store: LogStore, job: number, from: number, count: number) {
  const rows = await store.read(from, from + Math.min(count, MAX_ROWS) - 1);
  scope.postMessage({ type: "lines", job, from, rows });
}

/** One piece of pasted text: checked as it arrives, while the page copies the next one. */
function piece(state: NonNullable<typeof incoming>, text: string, last: boolean) {
  state.diagnoser.push(text);
  state.store.add(text);
  if (!last) {
    scope.postMessage({ type: "progress", job: state.job, done: Math.min(state.store.length, state.size), total: state.size });
    return;
  }
  incoming = null;
  void finish(state.job, state.diagnoser, state.store, state.size, state.started).catch((e: unknown) => fail(state.job, e));
}

async function finish(job: number, diagnoser: Diagnoser, store: LogStore, size: number, started: number) {
  const diagnosis = diagnoser.end();
  const ms = Math.round(performance.now() - started);
  const report = await toReport(diagnosis, articles, { lines: store.lines, size, ms }, store);
  if (job !== current) return;
  held = { job, store };
  scope.postMessage({ type: "result", job, report });
}

/** Yields to the event loop, so that a newer request can arrive and cancel this one. */
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * A file, read here slice by slice; the engine takes the raw UTF-8 bytes and keeps a character
 * or a line split between two slices whole.
 */
async function diagnoseFile(job: number, file: File): Promise<void> {
  const started = performance.now();
  const diagnoser = createDiagnoser(matcher);
  const size = file.size;
  const store = new ByteStore(file);
  for (let at = 0; at < size; at += CHUNK) {
    const chunk = new Uint8Array(await file.slice(at, at + CHUNK).arrayBuffer());
    if (job !== current) return;
    diagnoser.pushBytes(chunk);
    store.add(chunk);
    scope.postMessage({ type: "progress", job, done: Math.min(at + CHUNK, size), total: size });
  }
  await finish(job, diagnoser, store, size, started);
}

/**
 * Warms the engine up while the page is idle: the first log through a cold JavaScript engine runs
 * several times slower than the next (functions not yet optimised, regexes not yet compiled to
 * machine code, scanner tables not yet built), and the first log is the one the person waits for.
 * Every rule's regex is run, then a synthetic log goes through the text and the byte paths, in
 * small steps, so that a real request arriving meanwhile is taken at once (it sets `stop`).
 */
const warm = { stop: false };
async function warmUp() {
  const samples = [
    "(00.040000) Error (criu/files-reg.c:12): Can't open file /tmp/x on restore: No such file or directory",
    'time="2024-03-02T10:11:12Z" level=error msg="criu failed: type NOTIFY errno 0"',
  ];
  const rules = matcher.rules;
  for (let i = 0; i < rules.length && !warm.stop; i += 25) {
    // Twice: the first run interprets a regex, the second compiles it to machine code.
    for (const live of rules.slice(i, i + 25)) for (let k = 0; k < 2; k++) for (const s of samples) regexOf(live).exec(s);
    await pause();
  }
  for (const slot of matcher.nearSlots) for (let k = 0; k < 2; k++) for (const s of samples) slot.re.test(s);

  const chatter = [
    "(00.001204) Preparing info about shared resources",
    "(00.004112) Forking task with 16817 pid (flags 0x0)",
    "(00.020011)  16817: Restoring 16817 with pid 16817",
    "(00.000352) cpu: fpu: xfeatures_mask 0x2e5 xsave_size 2696 xsave_size_max 2696 xsaves_size 2440",
    "(00.030000) 0x7f0a2c000000-0x7f0a2c021000 (132K) prot 0x3 flags 0x22 fdflags 0 st 0x0 off 0 reg fp  shmid: 0x1",
    "(00.030100)  16817: \tRestoring fd 3 (state -> prepare)",
    "(00.030200) Dumping path for 3 fd via self 12 [/usr/lib/x86_64-linux-gnu/libc.so.6]",
    "(00.030250) page-pipe: Create page pipe for 1 segs",
  ].join("\n");
  const tagged = [
    "(00.000000) Version: 3.19 (gitid v3.19)",
    "(00.030300) Warn  (criu/kerndat.c:1470): Can't keep kdat cache on non-tempfs",
    "(00.040000) Error (criu/some-file.c:12): warm-up line that no article explains 42",
    ...samples,
    '\x1b[31mtime="2024-03-02T10:11:12Z" level=error msg="criu failed: type NOTIFY errno 0\\nlog file: /run/x/dump.log"\x1b[0m',
  ].join("\n");
  const block = `${chatter}\n`.repeat(40) + `${tagged}\n`;
  const text = block.repeat(Math.ceil((256 << 10) / block.length));
  const bytes = new TextEncoder().encode(text);
  for (let round = 0; round < 8 && !warm.stop; round++) {
    const d = createDiagnoser(matcher);
    if (round % 2) {
      const store = new ByteStore(null);
      for (let k = 0; k < 4 && !warm.stop; k++) {
        d.pushBytes(bytes);
        store.add(bytes);
        await pause();
      }
      await store.read(1, 100);
    } else {
      const store = new TextStore();
      for (let k = 0; k < 4 && !warm.stop; k++) {
        d.push(text);
        store.add(text);
        await pause();
      }
      await store.read(1, 100);
    }
    d.end();
  }
}

scope.postMessage({ type: "ready", articles: ruleset.articles.length });
setTimeout(() => void warmUp(), 50);
