// The messages between the checker page and its Web Worker, and the report the worker sends back:
// the engine's Diagnosis with each finding completed from its article (summary, fixes with the
// captured values filled in), so the page needs neither the rule set nor the engine.
import type { Diagnosis, Finding } from "../../rules/types.ts";
import type { CommandPart } from "../lib/text.ts";

/** What to diagnose: text already in the page (typed or pasted) or a file, read in the worker. */
export type LogSource = { kind: "text"; text: string } | { kind: "file"; file: File };

export interface DiagnoseRequest {
  type: "diagnose";
  /** Increases with every request; replies to an older job are stale and ignored. */
  job: number;
  source: LogSource;
}

export type WorkerReply =
  | { type: "ready"; articles: number }
  | { type: "progress"; job: number; done: number; total: number }
  | { type: "result"; job: number; report: Report }
  | { type: "error"; job: number; message: string };

export interface ReportFix {
  text: string;
  command?: CommandPart[];
}

export interface ReportFinding extends Finding {
  summary: string;
  area: string;
  fixes: ReportFix[];
}

export interface Report extends Omit<Diagnosis, "findings"> {
  findings: ReportFinding[];
  /** Physical lines read. */
  lines: number;
  /** Size of the input: bytes for a file, characters for text. */
  size: number;
  /** Time spent in the worker, in milliseconds. */
  ms: number;
}
