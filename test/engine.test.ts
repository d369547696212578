// The engine on logs the project wrote itself (test/fixtures/logs/*.log), each beside the result
// it must give (<name>.expected.json), and on the input shapes people paste.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadArticles } from "../rules/build-rules.js";
import { readArticle } from "../rules/compile.js";
import { KIND_NEAR, KIND_SIGNAL, createDiagnoser, createMatcher } from "../rules/engine.js";
import { ruleset } from "../rules/generated/ruleset.js";
import { diagnose } from "../rules/index.js";
import { parseLine } from "../rules/log-line.js";
import type { Diagnosis } from "../rules/types.js";

const dir = join(import.meta.dirname, "fixtures", "logs");

interface Expected {
  /** Article id of the first finding, or null for a log that must produce no finding. */
  first: string | null;
  line?: number;
  captures?: Record<string, string>;
  version?: string | null;
  phase?: string | null;
  wrapper?: string | null;
  logPath?: string;
  /** Articles that must appear among the later findings. */
  also?: string[];
  /** Articles that must not appear at all. */
  never?: string[];
}

const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith(".log"))
  .map((f) => f.replace(/\.log$/, ""));

describe("fixture logs", () => {
  it("has fixtures", () => expect(fixtures.length).toBeGreaterThanOrEqual(5));

  for (const name of fixtures) {
    it(name, () => {
      const text = readFileSync(join(dir, `${name}.log`), "utf8");
      const want = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), "utf8")) as Expected;
      const got = diagnose(text);
      if (want.first === null) {
        expect(got.findings).toEqual([]);
      } else {
        expect(got.findings[0]?.id).toBe(want.first);
        expect(got.findings[0]?.rank).toBe(1);
        if (want.line !== undefined) expect(got.findings[0]?.line).toBe(want.line);
        if (want.captures) expect(got.findings[0]?.captures).toMatchObject(want.captures);
      }
      if (want.version !== undefined) expect(got.criu?.version ?? null).toBe(want.version);
      if (want.phase !== undefined) expect(got.criu?.phase ?? null).toBe(want.phase);
      if (want.wrapper !== undefined) expect(got.wrapper?.tool ?? null).toBe(want.wrapper);
      if (want.logPath !== undefined) expect(got.wrapper?.logPath).toBe(want.logPath);
      for (const id of want.also ?? []) expect(got.findings.map((f) => f.id)).toContain(id);
      for (const id of want.never ?? []) expect(got.findings.map((f) => f.id)).not.toContain(id);
      // The line number points at the text reported for it.
      const lines = text.split(/\r\n|\r|\n/);
      for (const f of got.findings) expect(lines[f.line - 1]).toContain(f.text.slice(f.span[0], f.span[1]));
    });
  }
});

const PID = "(00.021345)  16817: Error (criu/cr-restore.c:1539): Pid 17550 do not match expected 16817";

describe("result contract", () => {
  it("is null-filled for an empty log", () => {
    expect(diagnose("")).toEqual({ criu: null, wrapper: null, findings: [], unmatched: [] });
  });

  it("reports 1-based line numbers, captures, the matched span and the rank", () => {
    const d = diagnose(`(00.000001) Version: 3.19 (gitid v3.19)\n(00.001000) Restoring processes\n${PID}\n`);
    expect(d.findings).toHaveLength(1);
    const f = d.findings[0]!;
    expect(f).toMatchObject({ id: "pid-mismatch", line: 3, role: "cause", rank: 1, url: "/failures/pid-mismatch/", count: 1 });
    expect(f.captures).toEqual({ got: "17550", expected: "16817" });
    expect(f.text.slice(f.span[0], f.span[1])).toBe("Pid 17550 do not match expected 16817");
    expect(d.criu).toEqual({ version: "3.19", phase: "restore" });
  });

  it("lists Error lines no article explains, once per message, but not the unwinding lines", () => {
    const d = diagnose(
      [
        "(00.1) Error (criu/foo.c:12): Something unheard of 42",
        "(00.2) Error (criu/foo.c:12): Something unheard of 43",
        "(00.3) Warn  (criu/foo.c:20): a warning is not listed",
        "(00.4) Error (criu/cr-dump.c:2128): Dumping FAILED.",
      ].join("\n"),
    );
    expect(d.findings).toEqual([]);
    expect(d.unmatched).toEqual([{ line: 1, text: "(00.1) Error (criu/foo.c:12): Something unheard of 42" }]);
  });

  it("never ranks a wrapper line above CRIU's own cause", () => {
    const d = diagnose(`ERRO[0000] criu failed: type NOTIFY errno 0\n${PID}\n`);
    expect(d.findings.map((f) => f.id)).toEqual(["pid-mismatch", "runc-criu-failed"]);
    expect(d.findings[0]!.line).toBe(2);
    expect(d.wrapper?.tool).toBe("runc");
  });

  it("names no CRIU log when the runtime has no checkpoint command: CRIU never ran", () => {
    const line =
      "Error response from daemon: Cannot checkpoint container web: /usr/local/bin/crun did not terminate sucessfully: unknown command checkpoint path= /run/containerd/io.containerd.runtime.v1.linux/moby/9e41c7a0d2b5/criu-dump.log: unknown";
    const d = diagnose(`${line}\n`);
    expect(d.findings[0]!.id).toBe("runtime-without-checkpoint-support");
    expect(d.wrapper).toEqual({ tool: "docker", logPath: null });
    // With CRIU's own failure, the path is where its log is.
    const ran = diagnose(line.replace("unknown command checkpoint", "exit status 1: criu failed: type NOTIFY errno 0"));
    expect(ran.wrapper?.logPath).toBe("/run/containerd/io.containerd.runtime.v1.linux/moby/9e41c7a0d2b5/criu-dump.log");
  });

  it("takes the phase from a failure verdict over an earlier successful step", () => {
    const log = [
      "(00.301122) Dumping finished successfully",
      "$ criu restore -D /tmp/ckpt --shell-job -v4",
      "(00.021345)  16817: Error (criu/cr-restore.c:1539): Pid 17550 do not match expected 16817",
      "(00.021867) Error (criu/cr-restore.c:2447): Restoring FAILED.",
    ].join("\n");
    expect(diagnose(log).criu?.phase).toBe("restore");
    const bulk = createDiagnoser(createMatcher(ruleset)).pushBytes(new TextEncoder().encode(log)).end();
    expect(bulk.criu?.phase).toBe("restore");
    // Without a verdict the first signal stands, and a verdict is not overridden by a later one.
    expect(diagnose("(00.1) Dumping finished successfully\n(00.2) Restore finished successfully\n").criu?.phase).toBe("dump");
    expect(diagnose("(00.1) Error (criu/cr-dump.c:2100): Dumping FAILED.\n(00.2) Error (criu/cr-restore.c:2447): Restoring FAILED.\n").criu?.phase).toBe("dump");
  });

  it("honours maxFindings and phases", () => {
    const log = `ERRO[0000] criu failed: type NOTIFY errno 0\n${PID}\n`;
    expect(diagnose(log, { maxFindings: 1 }).findings).toHaveLength(1);
    expect(diagnose(log, { phases: ["check"] }).findings.map((f) => f.id)).not.toContain("pid-mismatch");
  });
});

describe("input shapes", () => {
  const variants: [string, string][] = [
    ["plain", PID],
    ["CRLF", `x\r\n${PID}\r\n`],
    ["CR only", `x\r${PID}\r`],
    ["UTF-8 BOM", `\ufeff${PID}`],
    ["ANSI colours", `\x1b[31m${PID.replace("Error", "Error\x1b[0m")}`],
    ["quoted with > ", `> ${PID}`],
    ["JSON-escaped", JSON.stringify({ msg: `restore failed\n${PID}\n` })],
    ["logrus msg", `time="2025-01-01T00:00:00Z" level=warning msg="${PID.replace(/"/g, '\\"')}"`],
    ["runc numbered quote", `372:${PID}`],
    ["no timestamp", "Error (cr-restore.c:1539): Pid 17550 do not match expected 16817"],
  ];
  for (const [name, text] of variants) {
    it(`finds the cause in a ${name} log`, () => {
      expect(diagnose(text).findings[0]?.id).toBe("pid-mismatch");
    });
  }

  it("gives the same result whatever the chunking", () => {
    const text = readFileSync(join(dir, "restore-pid-taken.log"), "utf8").replace(/\n/g, "\r\n");
    const whole = diagnose(text);
    const matcher = createMatcher(ruleset);
    for (const size of [1, 2, 3, 7, 64, 1000]) {
      const d = createDiagnoser(matcher);
      for (let i = 0; i < text.length; i += size) d.push(text.slice(i, i + size));
      expect(d.end()).toEqual(whole);
    }
  });

  it("survives binary junk, NULs and a huge single line", () => {
    const junk = Array.from({ length: 5000 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join("");
    expect(() => diagnose(junk + "\0\0\0" + PID)).not.toThrow();
    const long = "x".repeat(5_000_000) + "\n" + PID;
    const d = diagnose(long);
    expect(d.findings[0]?.line).toBe(2);
  });
});

describe("fast and plain engines agree", () => {
  it("on every fixture and every article example", () => {
    const matcher = createMatcher(ruleset);
    const texts = fixtures.map((n) => readFileSync(join(dir, `${n}.log`), "utf8"));
    const run = (t: string, plain: boolean): Diagnosis => createDiagnoser(matcher, { plain }).push(t).end();
    for (const t of texts) expect(run(t, false)).toEqual(run(t, true));
  });
});

describe("a restore CRIU called successful", () => {
  const unlock = [
    "(01.616005) net: Unlock network",
    "(01.619784) Error (criu/netfilter.c:105): Iptables configuration failed",
  ];
  const restored = "(01.624334) Restore finished successfully. Tasks resumed.";
  const matcher = createMatcher(ruleset);
  // The text path, the bytes path (the bulk scanner must read the verdict line) and the plain engine.
  const ways = (log: string): Diagnosis[] => [
    diagnose(log),
    createDiagnoser(matcher).pushBytes(new TextEncoder().encode(log + "\n")).end(),
    createDiagnoser(matcher, { plain: true }).push(log).end(),
  ];
  const ids = (d: Diagnosis) => d.findings.map((f) => f.id);

  it("has no finding when everything matched came before the verdict", () => {
    expect(ids(diagnose(unlock.join("\n")))).toContain("network-lock-failed");
    for (const d of ways([...unlock, restored].join("\n"))) expect(d.findings).toEqual([]);
  });

  it("keeps every finding when something after the verdict went wrong", () => {
    const crash = "[ 9121.004417] app[4052]: segfault at 7f9d2c41b0e8 ip 00007f9d2c6a1b53 sp 00007ffe9b3c2f20 error 6 in libc.so.6[7f9d2c628000+195000]";
    for (const d of ways([...unlock, restored, crash].join("\n"))) expect(ids(d)).toEqual(expect.arrayContaining(["network-lock-failed", "restored-process-crashes"]));
  });

  it("keeps the findings of a log that also holds a failure verdict", () => {
    const failed = "(00.412113) Error (criu/cr-restore.c:2447): Restoring FAILED.";
    for (const d of ways([...unlock, failed, restored].join("\n"))) expect(ids(d)).toContain("network-lock-failed");
  });

  it("is not said of a dump: what a dump carried on past can still fail the restore", () => {
    for (const d of ways([...unlock, "(00.062710) Dumping finished successfully"].join("\n"))) expect(ids(d)).toContain("network-lock-failed");
  });
});

describe("logrus lines", () => {
  it("drops the quotes of msg=\"...\" so captures do not end in a quote", () => {
    const d = diagnose('time="2025-02-11T09:14:02Z" level=error msg="criu failed: type DUMP errno 0" error="exit status 1"');
    const f = d.findings.find((x) => x.id === "runc-criu-failed");
    expect(f?.captures).toEqual({ type: "DUMP", errno: "0" });
    expect(f?.text).toBe('time="2025-02-11T09:14:02Z" level=error msg=criu failed: type DUMP errno 0 error="exit status 1"');
  });

  it("treats a helper's `exited, status=N` as an unwinding line, not an unexplained error", () => {
    expect(diagnose("(00.139151) Error (criu/util.c:641): exited, status=1").unmatched).toEqual([]);
  });

  it("reads a verdict retyped without its period as CRIU's own", () => {
    const d = diagnose("(00.1) Error (criu/cr-dump.c:2100): Dumping FAILED");
    expect(d.unmatched).toEqual([]);
    expect(d.criu?.phase).toBe("dump");
    expect(diagnose("Error (criu/cr-dump.c:2100): Dumping FAILED, see above").unmatched).toHaveLength(1);
  });

  it("does not list iptables-legacy-save's version probe on an nft-only host as unexplained", () => {
    expect(diagnose("(00.021000) Error (criu/util.c:1566): iptables-legacy-save -V failed").unmatched).toEqual([]);
    expect(diagnose("(00.021000) Error (criu/util.c:1566): ip6tables-legacy-restore -V failed").unmatched).toEqual([]);
    expect(diagnose('\tError (criu/util.c:626): execvp("iptables-legacy-save", ...) failed: No such file or directory').unmatched).toEqual([]);
    expect(diagnose("(00.021000) Error (criu/util.c:1566): iptables-save -V failed").unmatched).toHaveLength(1);
  });
});

describe("untagged line prefixes", () => {
  const cases: [string, string][] = [
    ["2023-12-28T07:09:22.4387062Z b'iptables-restore: line 5 failed'", "iptables-restore: line 5 failed"],
    ['b"tar: unrecognized option \'--no-unquote\'"', "tar: unrecognized option '--no-unquote'"],
    ["17:10:16   [OUT] JVM: invalid info for restore provided", "JVM: invalid info for restore provided"],
    ["[2022-11-26T16:24:22.325Z] Type=Illegal instruction vmState=0x00200003", "Type=Illegal instruction vmState=0x00200003"],
    ["1410:tar: invalid option -- 'X'", "tar: invalid option -- 'X'"],
    ["(00.021930)  7411: Restoring fd 3", "Restoring fd 3"],
    ["> (00.5) pie: 51: mapped", "mapped"],
  ];
  for (const [line, body] of cases) it(JSON.stringify(line), () => expect(parseLine(line).body).toBe(body));
});

describe("an error tag without its Error word", () => {
  it("is read as CRIU's error line, as go-criu and libcriu users quote it", () => {
    const line = "(criu/tty.c:1014): tty: Don't have tty to inherit session from, aborting";
    expect(parseLine(line)).toEqual({ level: "error", file: "tty.c", body: "tty: Don't have tty to inherit session from, aborting", bodyStart: line.indexOf("tty:") });
    expect(diagnose(`${line} err:0`).findings[0]?.id).toBe("tty-restore-failed");
    expect(diagnose(`(00.100) (criu/some-new.c:7): A message nobody explains`).unmatched.map((u) => u.line)).toEqual([1]);
  });

  it("only with a CRIU source directory, and only where the message starts", () => {
    expect(parseLine("(foo/bar.c:12): something").level).toBeNull();
    expect(parseLine("(tty.c:1014): tty: no tty").level).toBeNull();
    expect(parseLine("see (criu/tty.c:1014): in the source").level).toBeNull();
  });
});

describe("the bulk scanner on a healthy -v4 log", () => {
  // Ordinary debug lines of dumps and restores. A trigger literal found in many of them makes the
  // engine stop on most lines of every log (a near-condition `[Rr]estor...` once made every
  // `Restoring ...` line one): rules should look for words CRIU prints when something is wrong.
  const CHATTER = [
    "(00.000230) Restoring signal mask 233b8775",
    "(00.000266)  34005: Restoring signal mask 349378d9",
    "(00.000378) \tRestoring fd 45 (state -> prepare)",
    "(00.020011)  16817: Restoring 16817 with pid 16817",
    "(00.030100)  16817: \tRestoring fd 3 (state -> create)",
    "(00.001204) Preparing info about shared resources",
    "(00.004112) Forking task with 16817 pid (flags 0x0)",
    "(00.000401) Reading image tree",
    "(00.000467) Migrating process tree (SID 16810->16810)",
    "(00.000512) Will restore in 0 namespaces",
    "(00.000530) Running pre-restore scripts",
    "(00.001890) Collecting 31/56 (flags 0)",
    "(00.000050) Dumping path for 24 fd via self 1 [/dev/null]",
    "(00.000630)   2145: Dumping mm (pid: 53971)",
    "(00.000074) fsnotify: \tFound fanotify mark for 0x7fead0",
    "(00.000202) `- Expecting exit",
    "(00.000576)  27985: 0x7f728767a000-0x7f2083252000 (3148K) prot 0x4 flags 0x33 fdflags 0 st 0x63b off 0 reg fp  shmid: 0xd",
    "(00.000822) pagemap-cache: 21200: filling VMA 7f5077c37000-7f2083252000 (3148K) [l:7f5077c37000 h:7f5077e37000]",
    "(00.003329) page-pipe: Create page pipe for 2684 segs",
    "(00.001001) Found 12 VMAs in pid 4120",
    "(00.001120) \tCollecting fd's of 4120: pipe, unix socket 0 established",
    "(00.002000) inet: Collected: ino 0x3c2a1 family AF_INET type SOCK_STREAM port 8080 state TCP_LISTEN src_addr 0.0.0.0",
    "(00.002100) unix: \tCollected: ino 41230 peer_ino 0 family    1 type    1 state  10 name /run/app.sock",
    "(00.002200) cg: Set memory.max for /system.slice",
    "(00.002300) Opening 0x00000000400000-0x00000000401000 0000000000000000 (41) vma",
    "(00.002400) 4120 (native) is going to execute the syscall 15, required is 15",
    "(00.002500) 4120 was trapped",
    "(00.002600) ----------------------------------------",
    "(00.002700) Seized task 4120, state 1",
    "(00.002800) Wait for 4120 to stop",
    "(00.002900) Dumping opened files (pid: 4120)",
    "(00.003000) Dumping GP/FPU registers for 4120",
    "(00.003100) Writing image inventory (version 1)",
    "(00.003200) mnt: \tMounting proc @/tmp/.criu.mntns.abc/9-0000000000/proc (0)",
    "(00.003300) Restoring task 4120 (stage 2)",
    "(00.003400) restored thread 4121 of 4120",
    "(00.003500) Parasite syscall_ip at 0x401000",
    "(00.003600) Putting tsock into pid 4120",
    "(00.003700) Sent msg to daemon 3 0 0",
    "(00.003800) Trap 4120 on exit",
  ];
  const matcher = createMatcher(ruleset);
  const scanner = matcher.scanner!;

  it("finds no near-condition or signal literal in more than a tenth of ordinary debug lines", () => {
    const lines = new Map<string, number>();
    for (const line of CHATTER) {
      for (const id of scanner.matches(line)) {
        if (!(matcher.scannerKinds[id]! & (KIND_NEAR | KIND_SIGNAL))) continue;
        const lit = scanner.literals[id]!;
        lines.set(lit, (lines.get(lit) ?? 0) + 1);
      }
    }
    const common = [...lines].filter(([, n]) => n > CHATTER.length / 10);
    expect(common, "trigger literals found in many healthy lines").toEqual([]);
  });

  it("would catch a literal as common as `Restor`", () => {
    const hits = CHATTER.filter((l) => l.includes("Restor")).length;
    expect(hits).toBeGreaterThan(CHATTER.length / 10);
  });
});

describe("pie lines cut by old CRIU", () => {
  it("joins the pieces, so the rule sees the whole message, on the first piece's line", () => {
    const log = [
      "(00.177301) pie: 37: Restoring some state",
      "(00.177380) pie: 37: Error (criu/pie/restorer.c:755): Thread pid mismatch 3393>",
      "(00.177380) pie: 37: 1/33930",
      "(00.177400) Error (criu/cr-restore.c:2324): Restoring FAILED.",
    ].join("\n");
    const f = diagnose(log).findings[0];
    expect(f?.id).toBe("pid-mismatch");
    expect(f?.line).toBe(2);
    expect(f?.captures).toEqual({ got: "33931", expected: "33930" });
  });

  it("leaves a line ending in > alone when no continuation follows", () => {
    const d = diagnose("pie: 5: Error (criu/pie/restorer.c:1): Something odd>\n(00.2) Dumping finished successfully");
    expect(d.unmatched.map((u) => u.text)).toEqual(["pie: 5: Error (criu/pie/restorer.c:1): Something odd>"]);
  });

  it("reads the lines it put aside for near-conditions when a rule needs them", () => {
    // The bulk path leaves lines holding only near-condition literals unread until a candidate
    // asks about its neighbourhood. Every multi-line example of an article with a near-condition,
    // its lines pulled apart by filler (inside and beyond the windows), must still give what the
    // plain engine gives, for text and for bytes in chunks.
    const matcher = createMatcher(ruleset);
    const nearArticles = new Set(ruleset.rules.filter((r) => r.near).map((r) => r.article));
    const filler = (n: number) => "(00.100000) nothing to see here\n".repeat(n);
    let compared = 0;
    let found = 0;
    for (const article of loadArticles().map(readArticle).filter((a) => nearArticles.has(a.id))) {
      for (const example of article.frontmatter.examples.filter((e) => e.includes("\n"))) {
        for (const gap of [0, 3, 45, 60, 490, 520]) {
          const log = filler(5) + example.split("\n").join("\n" + filler(gap)) + "\n" + filler(5);
          const plain = createDiagnoser(matcher, { plain: true }).push(log).end();
          expect(createDiagnoser(matcher).push(log).end(), `${article.id}, gap ${gap}`).toEqual(plain);
          const bytes = new TextEncoder().encode(log);
          const d = createDiagnoser(matcher);
          for (let i = 0; i < bytes.length; i += 4096) d.pushBytes(bytes.subarray(i, i + 4096));
          expect(d.end(), `${article.id}, gap ${gap}, bytes`).toEqual(plain);
          compared++;
          if (plain.findings.some((f) => f.id === article.id)) found++;
        }
      }
    }
    expect(compared).toBeGreaterThan(50);
    expect(found).toBeGreaterThan(20);
  });

  it("gives the same result on the bulk path", () => {
    const matcher = createMatcher(ruleset);
    const filler = "(00.1) pie: 37: nothing to see here\n".repeat(3000);
    const log = filler + "(00.177380) pie: 37: Error (criu/pie/restorer.c:755): Thread pid mismatch 3393>\n(00.177380) pie: 37: 1/33930\n" + filler;
    const plain = createDiagnoser(matcher, { plain: true }).push(log).end();
    const fast = createDiagnoser(matcher).pushBytes(new TextEncoder().encode(log)).end();
    expect(fast).toEqual(plain);
    expect(plain.findings[0]?.line).toBe(3001);
  });
});
