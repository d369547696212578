// The CLI as people run it: the built lib/cli.cjs under plain node (`npm test` builds first).
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const cli = join(root, "lib", "cli.cjs");
const PID = "(00.021345)  16817: Error (criu/cr-restore.c:1539): Pid 17550 do not match expected 16817\n";

function run(args: string[], input?: string | Buffer, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: "utf8", env: { ...process.env, NO_COLOR: "", ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "criu-doctor-cli-"));
  writeFileSync(join(dir, "restore.log"), "(00.000001) Version: 3.19 (gitid v3.19)\n" + PID + "(00.021920) Error (criu/cr-restore.c:2324): Restoring FAILED.\n");
  writeFileSync(join(dir, "clean.log"), "(00.004160) Dumping finished successfully\n");
  writeFileSync(join(dir, "empty.log"), "");
  writeFileSync(join(dir, "utf16.log"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(PID, "utf16le")]));
  mkdirSync(join(dir, "logs"));
  writeFileSync(join(dir, "logs", "a.log"), PID);
  writeFileSync(join(dir, "logs", "b.log"), "nothing here\n");
});

describe("criu-doctor CLI", () => {
  it("prints the contract with --json and exits 0 on a finding", () => {
    const r = run(["--json", join(dir, "restore.log")]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc).sort()).toEqual(["criu", "findings", "unmatched", "wrapper"]);
    expect(doc.criu).toEqual({ version: "3.19", phase: "restore" });
    expect(doc.findings[0]).toMatchObject({ id: "pid-mismatch", line: 2, rank: 1, role: "cause", captures: { expected: "16817" } });
    expect(r.stderr).toBe("");
  });

  it("exits 1 when nothing is found, still printing valid JSON", () => {
    for (const f of ["clean.log", "empty.log"]) {
      const r = run(["--json", join(dir, f)]);
      expect(r.status).toBe(1);
      expect(JSON.parse(r.stdout).findings).toEqual([]);
    }
  });

  it("reads standard input, with - or without a file", () => {
    for (const args of [["--json"], ["--json", "-"]]) {
      const r = run(args, PID);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).findings[0].id).toBe("pid-mismatch");
    }
  });

  it("handles standard input that is closed at once", () => {
    const r = run(["--json", "-"], "");
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).findings).toEqual([]);
  });

  it("decodes UTF-16 with a BOM", () => {
    expect(JSON.parse(run(["--json", join(dir, "utf16.log")]).stdout).findings[0].id).toBe("pid-mismatch");
  });

  it("walks a directory and prints one document per file", () => {
    const r = run(["--json", join(dir, "logs")]);
    expect(r.status).toBe(0);
    const docs = JSON.parse(r.stdout) as { file: string; findings: unknown[] }[];
    expect(docs.map((d) => d.file.replace(dir, ""))).toEqual(["/logs/a.log", "/logs/b.log"]);
    expect(docs.map((d) => d.findings.length)).toEqual([1, 0]);
  });

  it("prints a readable report with the article link by default", () => {
    const r = run([join(dir, "restore.log")]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("root cause");
    expect(r.stdout).toContain("PID already taken on restore");
    expect(r.stdout).toContain("/failures/pid-mismatch/");
    expect(r.stdout).toContain("ps -o pid,ppid,stat,cmd -p 16817"); // the capture put into the fix
    expect(r.stdout).not.toContain("\x1b["); // not a terminal: no colour
  });

  it("links to the published site when CRIU_DOCTOR_SITE_URL is set", () => {
    const r = run([join(dir, "restore.log")], undefined, { CRIU_DOCTOR_SITE_URL: "https://kb.example.org" });
    expect(r.stdout).toContain("https://kb.example.org/failures/pid-mismatch/");
  });

  it("exits 2 with one line for a missing file, and still reports the others", () => {
    const r = run(["--json", join(dir, "nope.log"), join(dir, "restore.log")]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([`criu-doctor: ${join(dir, "nope.log")}: no such file`]);
    expect(JSON.parse(r.stdout).findings[0].id).toBe("pid-mismatch");
  });

  it("exits 2 with one line for an unknown option", () => {
    const r = run(["--frobnicate"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("criu-doctor: unknown option --frobnicate (see --help)\n");
  });

  it("lists, explains, versions and helps", () => {
    const list = run(["--list"]);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^pid-mismatch\s+PID already taken on restore$/m);
    const explain = run(["--explain", "pid-mismatch"]);
    expect(explain.status).toBe(0);
    expect(explain.stdout).toContain("criu-ns restore");
    expect(run(["--explain", "no-such"]).status).toBe(2);
    expect(run(["--version"]).stdout).toMatch(/^criu-doctor \d+\.\d+\.\d+/);
    expect(run(["--help"]).stdout).toContain("usage: criu-doctor");
  });

  it("ends quietly when the reader closes the pipe", () => {
    const big = join(dir, "big.log");
    writeFileSync(big, (PID + "x\n").repeat(20000));
    const r = spawnSync("bash", ["-o", "pipefail", "-c", `node "${cli}" --json "${big}" "${big}" "${big}" | head -c 10 >/dev/null`], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
