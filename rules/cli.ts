#!/usr/bin/env node
// criu-doctor's command line: reads CRIU logs (files, directories or standard input), streams
// them through the engine and prints a report or the JSON contract.
// Exit status as grep: 0 a finding, 1 none, 2 usage or I/O error.
import { closeSync, lstatSync, openSync, readSync, readdirSync, statSync, writeSync } from "node:fs";
import { isatty } from "node:tty";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { VERSION } from "./generated/version.js";
import { createDiagnoser, rules } from "./index.js";
import { explainArticle, formatReport, type Style } from "./report.js";
import type { Diagnosis } from "./types.js";

const USAGE = `usage: criu-doctor [--json] [FILE|DIR|-]...
       criu-doctor --list | --explain ID | --version | --help

Explains a failed CRIU dump or restore: names the root cause and links to the article.
With no FILE, or with -, reads standard input. A DIR is searched for files recursively.

  --json         print the diagnosis as JSON (one document; an array for several inputs)
  --list         list the articles
  --explain ID   print an article's summary, fixes and link
  --version      print the version
  -h, --help     print this help

Exit status: 0 a finding, 1 no finding, 2 usage or I/O error.`;

class UsageError extends Error {}

interface Args {
  json: boolean;
  inputs: string[];
  action: "diagnose" | "list" | "explain" | "version" | "help";
  explain?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, inputs: [], action: "diagnose" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      args.inputs.push(...argv.slice(i + 1));
      break;
    } else if (a === "--json") args.json = true;
    else if (a === "--list") args.action = "list";
    else if (a === "--version" || a === "-V") args.action = "version";
    else if (a === "--help" || a === "-h") args.action = "help";
    else if (a === "--explain" || a.startsWith("--explain=")) {
      const id = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (!id) throw new UsageError("--explain needs an article id (see --list)");
      args.action = "explain";
      args.explain = id;
    } else if (a.startsWith("-") && a !== "-") throw new UsageError(`unknown option ${a} (see --help)`);
    else args.inputs.push(a);
  }
  return args;
}

/**
 * Expands directories into the files they hold, in a stable order. What is named is read whatever
 * it is (a pipe from `<(...)` too); inside a directory only regular files are, as grep -r does:
 * FIFOs, sockets, devices and symbolic links to directories are skipped, so that a walk can
 * neither block nor loop.
 */
function expand(input: string, named = true): string[] {
  if (input === "-") return [input];
  const st = named ? statSync(input) : lstatSync(input); // throws ENOENT, EACCES: reported by the caller
  if (st.isDirectory()) {
    return readdirSync(input)
      .sort()
      .flatMap((name) => expand(join(input, name), false));
  }
  if (named || st.isFile()) return [input];
  if (st.isSymbolicLink()) {
    try {
      if (statSync(input).isFile()) return [input];
    } catch {
      // A dangling link.
    }
  }
  return [];
}

/** Feeds one input, chunk by chunk, to the engine: raw UTF-8 bytes, or decoded text when a BOM says UTF-16. */
class Feeder {
  private readonly diagnoser = createDiagnoser();
  private utf16: TextDecoder | null | undefined;

  push(chunk: Uint8Array) {
    if (this.utf16 === undefined) {
      const bom = chunk[0] === 0xff && chunk[1] === 0xfe ? "utf-16le" : chunk[0] === 0xfe && chunk[1] === 0xff ? "utf-16be" : null;
      this.utf16 = bom ? new TextDecoder(bom) : null;
    }
    if (this.utf16) this.diagnoser.push(this.utf16.decode(chunk, { stream: true }));
    else this.diagnoser.pushBytes(chunk);
  }

  /** Where to read the next chunk: the engine scans it there, without a copy. */
  readBuffer(): Uint8Array {
    return this.diagnoser.readBuffer();
  }

  end(): Diagnosis {
    if (this.utf16) this.diagnoser.push(this.utf16.decode());
    return this.diagnoser.end();
  }
}

/** Standard input, as it comes. */
async function diagnoseStream(stream: Readable): Promise<Diagnosis> {
  const feeder = new Feeder();
  for await (const chunk of stream as AsyncIterable<Buffer>) feeder.push(chunk);
  return feeder.end();
}

/** A file, read in 1 MiB pieces into one reused buffer (the engine copies what it keeps). */
function diagnoseFile(file: string): Diagnosis {
  const feeder = new Feeder();
  const buf = feeder.readBuffer();
  const fd = openSync(file, "r");
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) feeder.push(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return feeder.end();
}

function describeIoError(input: string, e: NodeJS.ErrnoException): string {
  const what: Record<string, string> = {
    ENOENT: "no such file",
    EACCES: "permission denied",
    EISDIR: "is a directory",
    EPERM: "operation not permitted",
    EIO: "input/output error",
    ELOOP: "too many levels of symbolic links",
    ENOTDIR: "not a directory",
  };
  return `criu-doctor: ${input}: ${what[e.code ?? ""] ?? String(e?.message ?? e).split("\n")[0]}`;
}

function style(): Style {
  const color = isatty(1) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
  return { color, siteUrl: process.env.CRIU_DOCTOR_SITE_URL };
}

function write(text: string) {
  writeAll(1, text.endsWith("\n") ? text : text + "\n");
}

function warn(text: string) {
  writeAll(2, text);
}

/**
 * Writes to a file descriptor directly: Node's process.stdout and stderr streams cost ~6 ms to
 * set up, a tenth of a small log's run. `criu-doctor log | head` closes the pipe early: that is
 * not an error, the run ends quietly.
 */
function writeAll(fd: number, text: string) {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; ) {
    try {
      at += writeSync(fd, bytes, at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EPIPE") process.exit(process.exitCode ?? 0);
      if (code !== "EAGAIN") throw e;
      // A non-blocking descriptor (a pipe its reader set so) is full: wait for the reader.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    warn(`criu-doctor: ${(e as Error).message}\n`);
    return 2;
  }
  switch (args.action) {
    case "help":
      write(USAGE);
      return 0;
    case "version":
      write(`criu-doctor ${VERSION} (${rules.articles.length} articles, ${rules.rules.length} rules)`);
      return 0;
    case "list":
      write(rules.articles.map((a) => `${a.id.padEnd(40)} ${a.title}`).join("\n"));
      return 0;
    case "explain": {
      const a = rules.articles.find((x) => x.id === args.explain);
      if (!a) {
        warn(`criu-doctor: no article "${args.explain}" (see --list)\n`);
        return 2;
      }
      write(explainArticle(a, style()));
      return 0;
    }
  }

  const inputs = args.inputs.length ? args.inputs : ["-"];
  if (inputs.includes("-") && isatty(0) && args.inputs.length === 0) {
    warn("criu-doctor: no input: give a log file, or pipe one in (see --help)\n");
    return 2;
  }
  let status = 1;
  let failed = false;
  const results: (Diagnosis & { file: string })[] = [];
  for (const input of inputs) {
    let files: string[];
    try {
      files = expand(input);
    } catch (e) {
      warn(describeIoError((e as NodeJS.ErrnoException).path ?? input, e as NodeJS.ErrnoException) + "\n");
      failed = true;
      continue;
    }
    for (const file of files) {
      let result: Diagnosis;
      try {
        result = file === "-" ? await diagnoseStream(process.stdin) : diagnoseFile(file);
      } catch (e) {
        warn(describeIoError(file === "-" ? "standard input" : file, e as NodeJS.ErrnoException) + "\n");
        failed = true;
        continue;
      }
      if (result.findings.length) status = 0;
      const name = file === "-" ? "(standard input)" : file;
      if (args.json) results.push({ file: name, ...result });
      else write(formatReport(name, result, style(), rules.articles));
    }
  }
  if (args.json) {
    if (results.length === 1) {
      const { file: _file, ...only } = results[0]!;
      write(JSON.stringify(only, null, 2));
    } else if (results.length > 1 || !failed) write(JSON.stringify(results, null, 2)); // [] for an empty directory
  }
  return failed ? 2 : status;
}

/**
 * Exits as soon as the output is written (it is written synchronously). Left to end by itself,
 * Node first waits for V8's background work, such as optimising compiles of the scan loops: a
 * few ms (~3 on a 2 MB log, A/B runs).
 */
function exit(code: number) {
  process.exitCode = code;
  process.exit(code);
}

main(process.argv.slice(2)).then(exit, (e: unknown) => {
  try {
    warn(`criu-doctor: ${String((e as Error)?.message ?? e).split("\n")[0]}\n`);
  } finally {
    exit(2);
  }
});
