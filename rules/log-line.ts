// CRIU's log-line grammar: the level tag, the prefixes before it, and the summary lines that
// only say "something failed earlier". Everything here is about how CRIU prints, not about
// any one failure, which is why it lives in the engine rather than in an article.

import type { Phase } from "./vocabulary.js";

export type Level = "error" | "warn" | null;

export interface ParsedLine {
  /** `error` for `Error (file:line):`, `warn` for `Warn  (file:line):`, null when untagged. */
  level: Level;
  /** Source file in the tag without directories (`criu/mount.c` gives `mount.c`), or null. */
  file: string | null;
  /** The message: the text after the tag, or for untagged lines the text after the prefixes; trailing blanks removed. */
  body: string;
  /** Offset of `body` inside the logical line, so spans can be reported against the line. */
  bodyStart: number;
}

// `Error (criu/mount.c:1234): ` anywhere in the line: wrappers put their own prefixes before it
// (runc's `123:`, logrus `msg="`, CI timestamps, `> ` quotes), and pie lines put `pie: 51: `.
const TAG = /(Error|Warn)\s+\(([\w./+-]+):\d+\):[ \t]?/;
// What may stand before an untagged message: quote marks; a CI runner's ISO timestamp
// (`2023-12-28T07:09:22.4387062Z `, Jenkins' `[2022-11-26T16:24:22.325Z] `) or a clock with a stream tag (`17:10:16   [OUT] `); a Python
// bytes quote (`b'...'`, CRIU's test harness); runc's `1234:` line-number quote; CRIU's
// `(00.123456)` timestamp, restore pid column and `pie: 51: ` prefix.
const UNTAGGED_PREFIX =
  /^[\s>#*`'"|]*(?:\d{4}-\d\d-\d\dT[\d:.]+Z?\s+|\[\d{4}-\d\d-\d\dT[\d:.]+Z?\]\s+|\d\d:\d\d:\d\d(?:\.\d+)?\s+(?:\[\w+\]\s+)?)?(?<bytes>b['"])?(?:\d+:(?=\S))?(?:\(\s*\d+\.\d+\)\s*)?(?:\d+:\s+)?(?:pie:\s+(?:\d+:\s+)?)?/;

// An error tag whose `Error ` word was lost: go-criu and libcriu users quote CRIU's message as
// `(criu/tty.c:1014): tty: Don't have tty ...`. Only at the start of the message, and only with
// a CRIU source directory, so that no other tool's `(file.c:12):` is taken for CRIU's.
const BARE_TAG = /\((?:criu|compel|soccr)\/([\w./+-]+\.c):\d+\):[ \t]?/y;

export function parseLine(line: string): ParsedLine {
  // Cheap test first: most lines of a -v4 log carry no tag.
  if (line.includes("Error") || line.includes("Warn")) {
    const m = TAG.exec(line);
    if (m) return tagged(line, m[1] === "Error" ? "error" : "warn", m[2]!, m.index + m[0].length);
  }
  const p = UNTAGGED_PREFIX.exec(line);
  const bodyStart = p ? p[0].length : 0;
  BARE_TAG.lastIndex = bodyStart;
  const bare = line.charCodeAt(bodyStart) === 40 /* ( */ ? BARE_TAG.exec(line) : null;
  if (bare) return tagged(line, "error", bare[1]!, bodyStart + bare[0].length);
  let body = line.slice(bodyStart).trimEnd();
  // A Python bytes literal ends with the quote it opened with.
  const quote = p?.groups?.bytes?.[1];
  if (quote && body.endsWith(quote)) body = body.slice(0, -1);
  return { level: null, file: null, body, bodyStart };
}

/** A tagged line: the tag's source path (`criu/mount.c`) gives the file, the rest is the body. */
function tagged(line: string, level: "error" | "warn", path: string, bodyStart: number): ParsedLine {
  return { level, file: path.slice(path.lastIndexOf("/") + 1), body: line.slice(bodyStart).trimEnd(), bodyStart };
}

/**
 * Lines CRIU prints after the real failure, while unwinding. They never name a failure, so they
 * are neither findings on their own nor "unmatched" errors; an article may still use one as a
 * symptom rule.
 */
export const SECONDARY_LINES: readonly RegExp[] = [
  // The period is lost when people retype the verdict.
  /\b(?:Pre-dumping|Dumping|Restoring|Lazy pages transfer) FAILED(?:\.|$)/,
  /^\s*(?:\d+\s+)?(?:-?\d+ )?exited, status=-?\d+/,
  /^\s*(?:\d+\s+)?-?\d+ killed by signal \d+/,
  /\bUnlock network\b/,
  /\bRestorer fail -?\d+/,
  /\bRestorer abnormal termination for -?\d+/,
  /Killing processes because of failure on restore/,
  /The Network was unlocked so some data or a connection may have been lost/,
  /Failed to switch restore stage/,
  /Can't catch all tasks/,
  /cgroupd: recv req error/,
  /Dump files \(pid: -?\d+\) failed with/,
  /Collect mappings \(pid: -?\d+\) failed with/,
  /Can't remove the directory/,
  // The version probe of the legacy iptables tools on a host with only the nft backend: harmless.
  /\bip6?tables-legacy-(?:save|restore) -V failed\b/,
  /\bexecvp\("ip6?tables-legacy-(?:save|restore)", \.\.\.\) failed/,
];

export function isSecondary(body: string): boolean {
  return SECONDARY_LINES.some((re) => re.test(body));
}

// The CRIU version as the log header states it: `Version: 3.19 (gitid v3.19)`, CRaC's `3.17.1-crac`.
const VERSION = /^Version:\s+(\d+\.\d+(?:\.\d+)?(?:-[\w.]+)?)/;

export function versionOf(body: string): string | null {
  return body.startsWith("Version:") ? (VERSION.exec(body)?.[1] ?? null) : null;
}

/** A phase a log line can name (every phase of the vocabulary but `any`). */
type StrongPhase = Exclude<Phase, "any">;

// Signals of which CRIU command produced a log: strong ones settle it, weak ones only hint.
// Each alternative carries a long literal of its own, so that the bulk scanner (scanner.ts) can
// look for them without stopping on every "Dumping ..." debug line.
// A verdict that an operation failed names the phase for good: a paste often shows a successful
// dump (or its command) before the restore that failed.
const PHASE_FAILED: readonly [RegExp, StrongPhase][] = [
  [/Pre-dumping FAILED/, "pre-dump"],
  [/Dumping FAILED(?:\.|$)|CRIU checkpointing failed|Cannot checkpoint container|migration dump failed|checkpointing of \S+ failed/, "dump"],
  [/Restoring FAILED(?:\.|$)|CRIU restoring failed|Cannot restore container|migration restore failed|failed to restore container/, "restore"],
  [/^Does not look good\./, "check"],
];
// CRIU's own word that a restore ended well: the tasks run. Error lines before it did not stop
// the restore (iptables during the network unlock, optional probes). A dump's success is not
// such a verdict: a problem it carried on past (a dangling terminal) can still fail the restore.
const RESTORED_VERDICT = /Restore finished successfully/;

// Any other line that says which operation runs: the first one counts, until a verdict.
const PHASE_STRONG: readonly [RegExp, StrongPhase][] = [
  [/Pre-dumping finished successfully|Pre-dumping processes|\bpre-dump\b/, "pre-dump"],
  [/Dumping finished successfully|Dumping processes \(pid/, "dump"],
  [RESTORED_VERDICT, "restore"],
  [/^Looks good\.|Looks good but some kernel features are missing/, "check"],
  // The command or the log file a wrapper names.
  [/\brunc checkpoint\b|\bcrun checkpoint\b|\bcontainer checkpoint\b|\bctr (?:task|container|t|c) checkpoint\b|checkpoint create\b|\bdump\.log\b|\bdump4\.log\b/, "dump"],
  [/\brunc restore\b|\bcrun restore\b|\bcontainer restore\b|start --checkpoint\b|\brestore\.log\b/, "restore"],
];
const PHASE_WEAK: readonly [RegExp, "dump" | "restore"][] = [
  [/^(?:cr-dump|parasite|parasite-syscall|infect|seize)\.c$/, "dump"],
  [/^(?:cr-restore|restorer)\.c$/, "restore"],
];

/** Every regex whose match on a line changes the detected phase or version (for the scanner). */
export const SIGNAL_SOURCES: readonly string[] = [...PHASE_FAILED, ...PHASE_STRONG].map(([re]) => re.source).concat("^Version:");

/** Whether the line is CRIU's verdict that a restore succeeded. */
export function isRestoredVerdict(body: string): boolean {
  return RESTORED_VERDICT.test(body);
}

/** The phase a line names, and whether it is a failure verdict (which no later line overrides). */
export function strongPhaseOf(body: string): { phase: StrongPhase; failed: boolean } | null {
  for (const [re, phase] of PHASE_FAILED) if (re.test(body)) return { phase, failed: true };
  for (const [re, phase] of PHASE_STRONG) if (re.test(body)) return { phase, failed: false };
  return null;
}

export function weakPhaseOf(file: string | null): "dump" | "restore" | null {
  if (!file) return null;
  for (const [re, phase] of PHASE_WEAK) if (re.test(file)) return phase;
  return null;
}

/** The sources of every regex above, which run on every line: checked for ReDoS with the articles' (check-redos.ts). */
export const LINE_PATTERNS: readonly string[] = [
  TAG.source,
  BARE_TAG.source,
  UNTAGGED_PREFIX.source,
  VERSION.source,
  ...SECONDARY_LINES.map((re) => re.source),
  ...PHASE_FAILED.map(([re]) => re.source),
  ...PHASE_STRONG.map(([re]) => re.source),
  ...PHASE_WEAK.map(([re]) => re.source),
];
