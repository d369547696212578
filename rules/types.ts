// The compiled rule set (what /rules.json serves and the engine runs) and the result contract
// of diagnose(). These types are the public face of the data; see ../shared/DESIGN.md.
import type { Phase, Tag, Wrapper } from "./vocabulary.js";

export type { Phase, Tag, Wrapper };

/** An article as the matcher needs it: everything but the prose. */
export interface CompiledArticle {
  id: string;
  title: string;
  summary: string;
  /** `/failures/<id>/`, or absolute when the site URL was configured at build time. */
  url: string;
  phase: Phase[];
  area: string;
  options: string[];
  fixes: { text: string; command?: string }[];
}

/** A recognition rule, flattened out of its article. Patterns are ECMAScript regex sources. */
export interface CompiledRule {
  /** The article this rule points at. */
  article: string;
  pattern: string;
  role: "cause" | "symptom";
  tag: Tag;
  source?: string[];
  /** `literals`: as the rule's own, for the near-condition's pattern. */
  near?: { pattern: string; within: number; direction: "before" | "after" | "both"; literals: string[] };
  wrapper?: Wrapper;
  priority: number;
  /**
   * Literal strings, one of which every line the pattern can match must contain (lower-cased
   * when the pattern is case-insensitive). Empty when no such literal could be derived.
   */
  literals: string[];
}

export interface RuleSet {
  /** Format version of this document. */
  schema: 1;
  articles: CompiledArticle[];
  rules: CompiledRule[];
}

/** One article match, as returned by diagnose(). */
export interface Finding {
  id: string;
  title: string;
  url: string;
  /** 1-based line number in the input as given. */
  line: number;
  /** The matched log line (decoded: colours removed, JSON escapes undone). */
  text: string;
  /** Named groups of the matching pattern. */
  captures: Record<string, string>;
  role: "cause" | "symptom";
  /** 1 is the most likely root cause. */
  rank: number;
  /** Where the pattern matched inside `text`: [start, end). */
  span: [number, number];
  /** How many lines in the log this article's rules matched. */
  count: number;
}

export interface UnmatchedLine {
  line: number;
  text: string;
}

export interface Diagnosis {
  criu: { version: string | null; phase: Phase | null } | null;
  wrapper: { tool: Wrapper; logPath: string | null } | null;
  findings: Finding[];
  unmatched: UnmatchedLine[];
}

export interface DiagnoseOptions {
  /** Only report articles for these phases (articles marked `any` always qualify). Default: all. */
  phases?: Phase[];
  /** Report at most this many findings. Default: unlimited. */
  maxFindings?: number;
  /** Report at most this many unmatched Error lines. Default: 50. */
  maxUnmatched?: number;
}
