// The checker's pure parts, in Node: the line index the log view reads by (its line numbers must be
// the engine's), the stores, the report's excerpts, the proposal for a new article, and the share
// link's encoding (which must reject whatever a hostile link carries).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createDiagnoser, createMatcher } from "../rules/engine.js";
import { ruleset } from "../rules/generated/ruleset.js";
import { ByteStore, LineIndex, TextStore, displayText, markInLine } from "../src/scripts/logstore.ts";
import { pieces, proposalUrl, proposePattern, searchTerms } from "../src/scripts/propose.ts";
import type { ReportFinding } from "../src/scripts/protocol.ts";
import { cutAround, sharedReport, toReport } from "../src/scripts/report.ts";
import { readShare, shareFragment } from "../src/scripts/share.ts";

const matcher = createMatcher(ruleset);
const articles = new Map(ruleset.articles.map((a) => [a.id, a]));
const CAUSE = "(00.021345)  16817: Error (criu/cr-restore.c:1539): Pid 17550 do not match expected 16817";

/** Splits `s` at the given cut points (sorted, within the string). */
function split<T extends { length: number; slice(a: number, b?: number): T }>(s: T, cuts: number[]): T[] {
  const at = [...new Set(cuts.map((c) => Math.min(c, s.length)))].sort((a, b) => a - b);
  const out: T[] = [];
  let last = 0;
  for (const c of at) {
    out.push(s.slice(last, c));
    last = c;
  }
  out.push(s.slice(last));
  return out;
}

describe("LineIndex counts lines as the engine does", () => {
  // Line ends of every kind, a BOM, empty lines, a last line with or without an end.
  const line = fc.constantFrom("plain line", CAUSE, "", "  x", "é ü – ✓", "Error (criu/a.c:1): something new 12");
  const end = fc.constantFrom("\n", "\r\n", "\r");
  const log = fc
    .tuple(fc.boolean(), fc.array(fc.tuple(line, end), { maxLength: 12 }), line)
    .map(([bom, lines, last]) => (bom ? "\ufeff" : "") + lines.map(([l, e]) => l + e).join("") + last);

  it("on text in any pieces: the cause is found on the same line number", () => {
    fc.assert(
      fc.property(log, fc.array(fc.nat(200), { maxLength: 4 }), (text, cuts) => {
        const index = new LineIndex();
        const d = createDiagnoser(matcher);
        for (const piece of split(text, cuts)) {
          index.addText(piece);
          d.push(piece);
        }
        const result = d.end();
        const finding = result.findings.find((f) => f.id === "pid-mismatch");
        const lines = text.replace(/^\ufeff/, "").split(/\r\n|\r|\n/);
        const expected = lines.at(-1) === "" ? lines.length - 1 : lines.length;
        expect(index.lines).toBe(text.replace(/^\ufeff/, "") === "" ? 0 : expected);
        if (finding) {
          const [a, b] = index.range(finding.line);
          expect(text.slice(a, b)).toContain("Pid 17550 do not match expected 16817");
        }
      }),
    );
  });

  it("on UTF-8 bytes in any pieces, with the same numbers as on text", () => {
    fc.assert(
      fc.property(log, fc.array(fc.nat(300), { maxLength: 4 }), (text, cuts) => {
        const bytes = new TextEncoder().encode(text);
        const store = new ByteStore(null);
        const d = createDiagnoser(matcher);
        for (const piece of split(bytes, cuts)) {
          store.add(piece);
          d.pushBytes(piece);
        }
        const result = d.end();
        expect(store.lines).toBe(new TextStore(text).lines);
        for (const f of result.findings) expect(f.line).toBeLessThanOrEqual(store.lines);
      }),
    );
  });
});

describe("LineIndex on a byte order mark split over chunks", () => {
  it("starts the first line after the whole mark, however the chunks cut it", () => {
    const bytes = new TextEncoder().encode("\ufeffEr\nsecond");
    for (const cuts of [[1], [2], [1, 2], [3], [1, 4]]) {
      const index = new LineIndex();
      let at = 0;
      for (const cut of [...cuts, bytes.length]) {
        index.addBytes(bytes.subarray(at, cut));
        at = cut;
      }
      expect(index.lines, `cuts ${cuts}`).toBe(2);
      expect(index.range(1), `cuts ${cuts}`).toEqual([3, 6]);
    }
    const alone = new LineIndex();
    alone.addBytes(new Uint8Array([0xef]));
    alone.addBytes(new Uint8Array([0xbb, 0xbf]));
    expect(alone.lines).toBe(0);
    // Three bytes that are not the mark start the first line.
    const other = new LineIndex();
    other.addBytes(new Uint8Array([0xef]));
    other.addBytes(new Uint8Array([0xbb, 0x41, 0x0a]));
    expect(other.range(1)).toEqual([0, 4]);
  });
});

describe("the stores read lines on demand", () => {
  const text = "\ufefffirst\r\nsecond\x1b[31m red\x1b[0m\rthird\n\nfifth\tend";
  for (const [name, make] of [
    ["TextStore", () => new TextStore(text)],
    ["ByteStore (kept in memory)", () => {
      const s = new ByteStore(null);
      const b = new TextEncoder().encode(text);
      s.add(b.subarray(0, 9));
      s.add(b.subarray(9));
      return s;
    }],
    ["ByteStore (read back from the file)", () => {
      const b = new TextEncoder().encode(text);
      const s = new ByteStore(new Blob([b]), 4);
      s.add(b.subarray(0, 4));
      s.add(b.subarray(4));
      return s;
    }],
  ] as const) {
    it(name, async () => {
      const store = make();
      expect(store.lines).toBe(5);
      const rows = await store.read(0, 99);
      expect(rows.map((r) => r.text)).toEqual(["first", "second red", "third", "", "fifth\tend"]);
      expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
      expect(await store.line(2)).toEqual({ text: "second red", cut: false });
    });
  }

  it("cuts a very long line for the view and says so", async () => {
    const store = new TextStore(`short\n${"x".repeat(5000)}\n`);
    const [, long] = await store.read(1, 2);
    expect(long!.text.length).toBe(2000);
    expect(long!.cutEnd).toBe(true);
  });

  it("shows control characters as spaces and drops colour codes", () => {
    expect(displayText("\x1b[1;31mError\x1b[0m\x07 bell\x00nul")).toBe("Error  bell nul");
  });
});

describe("excerpts", () => {
  it("marks the match in the physical line, also inside a JSON string", () => {
    const finding = { text: "criu failed: type NOTIFY errno 0", span: [0, 32] as [number, number] };
    const physical = 'time="x" level=error msg="criu failed: type NOTIFY errno 0\\nlog file: /run/x.log"';
    const mark = markInLine(physical, finding)!;
    expect(physical.slice(mark[0], mark[1])).toBe("criu failed: type NOTIFY errno 0");
  });

  it("returns no mark when the matched text has escapes in the physical line", () => {
    expect(markInLine('msg="say \\"hi\\""', { text: 'say "hi"', span: [0, 8] })).toBeNull();
  });

  it("cuts a long line around its match", () => {
    const text = `${"a".repeat(1000)}MATCH${"b".repeat(1000)}`;
    const row = cutAround(7, text, 500, [1000, 1005]);
    expect(row.cutStart && row.cutEnd).toBe(true);
    expect(row.text.slice(row.mark![0], row.mark![1])).toBe("MATCH");
  });

  it("gives every finding its line with three lines before and after", async () => {
    const lines = Array.from({ length: 20 }, (_, i) => `(00.0000${String(i).padStart(2, "0")}) line ${i + 1}`);
    lines[9] = CAUSE;
    const text = `${lines.join("\n")}\n`;
    const d = createDiagnoser(matcher);
    d.push(text);
    const report = await toReport(d.end(), articles, { lines: 20, size: text.length, ms: 1 }, new TextStore(text));
    const f = report.findings.find((x) => x.id === "pid-mismatch")!;
    expect(f.line).toBe(10);
    expect(f.context!.rows.map((r) => r.line)).toEqual([7, 8, 9, 10, 11, 12, 13]);
    const focus = f.context!.rows[3]!;
    expect(focus.text.slice(focus.mark![0], focus.mark![1])).toBe("Pid 17550 do not match expected 16817");
    // The fix command has the captured PID in it.
    const filled = f.fixes.flatMap((x) => x.command ?? []).filter((p) => p.filled);
    expect(filled.map((p) => p.text)).toContain("16817");
  });
});

describe("values from the log in fix commands", () => {
  const report = async (log: string) => {
    const d = createDiagnoser(matcher);
    d.push(log);
    return toReport(d.end(), articles, { lines: 2, size: log.length, ms: 1 }, new TextStore(log));
  };
  const filled = (r: Awaited<ReturnType<typeof report>>, id: string) =>
    r.findings.find((f) => f.id === id)!.fixes.flatMap((x) => x.command ?? []).filter((p) => p.name === "logPath");

  it("go in when they are one plain word, also from another line of the log", async () => {
    const r = await report("ERRO[0000] criu failed: type NOTIFY errno 0\nlog file: /run/runc/web/criu.work/dump.log\n");
    expect(filled(r, "runc-criu-failed").map((p) => [p.filled, p.text])).toContainEqual([true, "/run/runc/web/criu.work/dump.log"]);
  });

  it("stay placeholders when the shell would read more into them", async () => {
    const r = await report("ERRO[0000] criu failed: type NOTIFY errno 0\nlog file: /tmp/$(reboot)`id`;x.log\n");
    expect(r.wrapper?.logPath).toBe("/tmp/$(reboot)`id`;x.log");
    const parts = filled(r, "runc-criu-failed");
    expect(parts.length).toBeGreaterThan(0);
    expect(parts.every((p) => !p.filled && p.text === "{logPath}")).toBe(true);
  });
});

describe("a proposal for a new article", () => {
  const message = "Can't bind 10.0.3.15:8080 for fd 0x7f3a2c to /var/run/app.sock: Address in use (-98), mm 7f3a2c001000 ::1";

  it("generalises numbers, hex addresses, paths and IP addresses", () => {
    expect(pieces(message).filter((p) => p.kind !== "text").map((p) => [p.kind, p.text])).toEqual([
      ["ip4", "10.0.3.15:8080"],
      ["hex", "0x7f3a2c"],
      ["path", "/var/run/app.sock"],
      ["num", "-98"],
      ["hex", "7f3a2c001000"],
      ["ip6", "::1"],
    ]);
    const pattern = proposePattern(message);
    expect(pattern).toBe(
      String.raw`Can't bind \d{1,3}(?:\.\d{1,3}){3}:\d+ for fd 0x[0-9a-f]+ to \S+?: Address in use \(-?\d+\), mm [0-9a-f]+ [0-9a-fA-F:]+`,
    );
  });

  it("gives a pattern that matches the message and the same message from another run", () => {
    const other = "Can't bind 192.168.1.7:443 for fd 0x1 to /tmp/x: Address in use (-98), mm abcdef123456 fe80::1";
    const re = new RegExp(proposePattern(message));
    expect(re.test(message)).toBe(true);
    expect(re.test(other)).toBe(true);
    for (const m of ["Pid 17550 do not match expected 16817", "x86_64 task 3 at [/usr/lib/libc.so.6] (v3.17.1)", "a.b(c)*+?[x]{2}|^$\\"]) {
      expect(new RegExp(proposePattern(m)).test(m), m).toBe(true);
    }
    expect(proposePattern("x86_64 and ipv4")).toBe("x86_64 and ipv4");
  });

  it("searches for the words, not the values", () => {
    expect(searchTerms(message)).toBe("Can't bind for fd to Address in use");
    expect(searchTerms(message, 20)).toBe("Can't bind for fd to Address in use mm");
  });

  it("opens a new issue with the message, the pattern and the version only", () => {
    const url = new URL(proposalUrl("https://github.com/criu-doctor/criu-doctor", message, "3.19"));
    expect(url.origin + url.pathname).toBe("https://github.com/criu-doctor/criu-doctor/issues/new");
    const title = url.searchParams.get("title")!;
    const body = url.searchParams.get("body")!;
    expect(title).toContain("Can't bind 10.0.3.15:8080");
    expect(body).toContain(message);
    expect(body).toContain(`pattern: '${proposePattern(message).replace(/'/g, "''")}'`);
    expect(body).toContain("3.19");
    expect(new URL(proposalUrl("https://github.com/a/b", "x", null)).searchParams.get("body")).toContain("not stated in the log");
  });

  it("keeps a message with backticks inside its code block: the issue shows it, not Markdown from it", () => {
    const hostile = "Error (x.c:1): bad ``` [click](https://evil.example/) ![](https://evil.example/t.png) @someone ```` end";
    const body = new URL(proposalUrl("https://github.com/a/b", hostile, null)).searchParams.get("body")!;
    const lines = body.split("\n");
    const at = lines.indexOf(hostile);
    expect(at).toBeGreaterThan(0);
    // The fences around the message are longer than any run of backticks in it (CommonMark closes
    // a fence only with at least as many backticks), and the message holds no line of its own.
    const open = lines[at - 1]!;
    expect(open).toMatch(/^`{5,}$/);
    expect(lines[at + 1]).toBe(open);
    // So is the one around the proposed rule, which carries the same text.
    const rule = lines.findIndex((l) => l.startsWith("  - pattern: "));
    expect(lines[rule - 2]).toMatch(/^`{5,}yaml$/);
    expect(lines[rule + 2]).toBe(lines[rule - 2]!.replace(/yaml$/, ""));
  });
});

describe("share links", () => {
  const finding = (id: string, line: number, captures: Record<string, string>, role: "cause" | "symptom" = "cause") =>
    ({ id, line, captures, role }) as ReportFinding;

  it("carry ids, line numbers and captured values, readably, and read back", () => {
    const fragment = shareFragment(
      [finding("pid-mismatch", 11, { got: "17550", expected: "16817" }), finding("runc-criu-failed", 2, { type: "A,B&C=D" }, "symptom")],
      "/run/runc/web/criu.work/dump.log",
    );
    expect(fragment).toBe(
      "f=pid-mismatch,11,got=17550,expected=16817&f=runc-criu-failed,2,s,type=A%2CB%26C%3DD&log=/run/runc/web/criu.work/dump.log",
    );
    const shared = readShare(`#${fragment}`)!;
    expect(shared).toEqual({
      findings: [
        { id: "pid-mismatch", line: 11, role: "cause", captures: { got: "17550", expected: "16817" } },
        { id: "runc-criu-failed", line: 2, role: "symptom", captures: { type: "A,B&C=D" } },
      ],
      logPath: "/run/runc/web/criu.work/dump.log",
    });
    const report = sharedReport(ruleset, shared);
    expect(report.shared).toBe(true);
    expect(report.findings[0]!.title).toBe(articles.get("pid-mismatch")!.title);
    expect(report.findings[0]!.context).toBeUndefined();
    expect(report.wrapper).toEqual({ tool: "runc", logPath: "/run/runc/web/criu.work/dump.log" });
  });

  it("reject what a hostile or broken link carries", () => {
    expect(readShare("#main")).toBeNull();
    expect(readShare("#f=")).toBeNull();
    expect(readShare("#f=../../etc,1&f=%3Cscript%3E,2&f=pid-mismatch,-1&f=pid-mismatch,1.5&f=pid-mismatch,0")).toBeNull();
    const shared = readShare(`#f=pid-mismatch,3,bad key=x,ok=${"y".repeat(1000)},n=%E0%A4%A,__proto__=z,x=%3Cimg%20src%3Dx%3E`)!;
    expect(shared.findings[0]!.captures).toEqual({ ok: "y".repeat(300), x: "<img src=x>" });
    expect(Object.getPrototypeOf(shared.findings[0]!.captures)).toBe(Object.prototype);
    // Unknown articles are left out of the report.
    expect(sharedReport(ruleset, { findings: [{ id: "no-such-article", line: 1, role: "cause", captures: {} }] }).findings).toEqual([]);
  });
});
