// The messages between the checker page and its Web Worker, and the report the worker sends back:
// the engine's Diagnosis with each finding completed from its article (summary, fixes with the
// captured values filled in) and with its line in context, so the page needs neither the rule
// set, nor the engine, nor the log. The log stays in the worker; the page asks for the lines it
// shows, a screenful at a time.
import type { Diagnosis, Finding, UnmatchedLine } from "../../rules/types.ts";
import type { CommandPart } from "../lib/text.ts";

/**
 * What to diagnose: text in the page (typed or pasted), sent in pieces of at most TEXT_PIECE
 * characters after the request (see `piece`), or a file, read in the worker.
 */
export type LogSource = { kind: "text"; size: number } | { kind: "file"; file: File };

/**
 * Characters of text per message. Copying a string to the worker costs main-thread time in
 * proportion to its length: in pieces, no single task blocks the page, and the worker checks one
 * piece while the next is being copied.
 */
export const TEXT_PIECE = 1 << 19;

/** A finding as a share link carries it: no log text, only what identifies the finding. */
export interface SharedFinding {
  id: string;
  line: number;
  role: "cause" | "symptom";
  captures: Record<string, string>;
}

/** What a share link carries: the findings, and where the wrapper said CRIU's log is. */
export interface SharedDiagnosis {
  findings: SharedFinding[];
  logPath?: string;
}

export type PageRequest =
  /** Check a log; it replaces the one the worker holds. */
  | { type: "diagnose"; job: number; source: LogSource }
  /** The next piece of the text of `job`; `last` on the final one. */
  | { type: "piece"; job: number; text: string; last: boolean }
  /** Lines `from` (1-based) to `from + count - 1` of the log of `job`, as shown in the log view. */
  | { type: "lines"; job: number; from: number; count: number }
  /** A report for the findings of a share link (there is no log). */
  | { type: "shared"; job: number; share: SharedDiagnosis }
  /** Drop the log held for the view (the form was cleared). */
  | { type: "forget"; job: number };

export type WorkerReply =
  | { type: "ready"; articles: number }
  | { type: "progress"; job: number; done: number; total: number }
  | { type: "result"; job: number; report: Report }
  | { type: "lines"; job: number; from: number; rows: ViewRow[] }
  | { type: "error"; job: number; message: string };

/** A log line as the page shows it: colour codes and control characters removed, long lines cut. */
export interface ViewRow {
  /** 1-based line number. */
  line: number;
  text: string;
  /** Characters left out before `text` (a long line cut around its match). */
  cutStart?: boolean;
  /** Characters left out after `text`. */
  cutEnd?: boolean;
  /** The matched part of `text`, [start, end). */
  mark?: [number, number];
}

/** A finding's line with a few lines before and after it. */
export interface LineContext {
  rows: ViewRow[];
  /**
   * The logical line the rule matched, when its match cannot be marked in the physical line (a log
   * line decoded from a JSON string with escapes in the matched part).
   */
  decoded?: ViewRow;
}

export interface ReportFix {
  text: string;
  command?: CommandPart[];
}

export interface ReportFinding extends Finding {
  summary: string;
  area: string;
  fixes: ReportFix[];
  /** Absent in a shared report, which has no log. */
  context?: LineContext;
}

export interface ReportUnmatched extends UnmatchedLine {
  /** The message: the text after CRIU's `Error (file:line): ` tag. */
  message: string;
}

export interface Report extends Omit<Diagnosis, "findings" | "unmatched"> {
  findings: ReportFinding[];
  unmatched: ReportUnmatched[];
  /** Physical lines read. */
  lines: number;
  /** Size of the input: bytes for a file, characters for text. */
  size: number;
  /** Time spent in the worker, in milliseconds. */
  ms: number;
  /** True for a report rebuilt from a share link: findings without log lines. */
  shared: boolean;
}
