// The matcher: feeds a log through the compiled rules and returns the diagnosis contract.
// No I/O and no dependencies, so the same code runs in Node (CLI, npm module) and in the
// browser's Web Worker (checker). Input can arrive in chunks of any size (see createDiagnoser).
import { isSecondary, parseLine, strongPhaseOf, versionOf, weakPhaseOf, type ParsedLine } from "./log-line.js";
import { logicalLines } from "./normalize.js";
import { buildPrefilter, type Prefilter } from "./prefilter.js";
import type { CompiledRule, DiagnoseOptions, Diagnosis, Finding, Phase, RuleSet, UnmatchedLine, Wrapper } from "./types.js";

/** A rule with its regexes built once. */
interface LiveRule {
  index: number;
  rule: CompiledRule;
  re: RegExp;
  near?: { re: RegExp; within: number; before: boolean; after: boolean; slot: number };
}

interface Candidate {
  live: LiveRule;
  line: number;
  text: string;
  captures: Record<string, string>;
  span: [number, number];
}

interface ArticleState {
  best: Candidate;
  count: number;
}

/** A candidate whose neighbouring-line condition can only be settled by later lines. */
interface Pending {
  candidate: Candidate;
  /** Logical index after which the window has passed. */
  until: number;
}

/** Compiled regexes and the prefilter for one rule set; build once, use for many logs. */
export interface Matcher {
  rules: LiveRule[];
  /** The distinct near-conditions, each with a slot in the per-log "last seen" table. */
  nearSlots: { re: RegExp }[];
  prefilter: Prefilter;
  articles: Map<string, RuleSet["articles"][number]>;
}

export function createMatcher(ruleset: RuleSet): Matcher {
  const nearSlots: { re: RegExp; key: string }[] = [];
  const rules: LiveRule[] = ruleset.rules.map((rule, index) => {
    const live: LiveRule = { index, rule, re: new RegExp(rule.pattern, rule.flags) };
    if (rule.near) {
      const key = `${rule.flags}/${rule.near.pattern}`;
      let slot = nearSlots.findIndex((s) => s.key === key);
      if (slot < 0) slot = nearSlots.push({ re: new RegExp(rule.near.pattern, rule.flags), key }) - 1;
      const d = rule.near.direction;
      live.near = { re: nearSlots[slot]!.re, within: rule.near.within, before: d !== "after", after: d !== "before", slot };
    }
    return live;
  });
  return {
    rules,
    nearSlots,
    prefilter: buildPrefilter(ruleset.rules),
    articles: new Map(ruleset.articles.map((a) => [a.id, a])),
  };
}

function tagAllows(rule: CompiledRule, parsed: ParsedLine): boolean {
  switch (rule.tag) {
    case "any":
      return true;
    case "error":
      return parsed.level === "error";
    case "warn":
      return parsed.level === "warn";
    case "tagged":
      return parsed.level !== null;
    case "untagged":
      return parsed.level === null;
  }
}

/** Orders candidates: causes first, then higher priority, then the earlier line. */
function better(a: Candidate, b: Candidate): boolean {
  if (a.live.rule.role !== b.live.rule.role) return a.live.rule.role === "cause";
  if (a.live.rule.priority !== b.live.rule.priority) return a.live.rule.priority > b.live.rule.priority;
  return a.line < b.line;
}

export interface Diagnoser {
  /** Feed more text; chunks may split lines anywhere. */
  push(chunk: string): Diagnoser;
  /** Finish and return the diagnosis. */
  end(): Diagnosis;
}

export interface EngineOptions extends DiagnoseOptions {
  /** Run every rule's regex on every line, without the literal prefilter (the reference engine). */
  plain?: boolean;
}

export function createDiagnoser(matcher: Matcher, options: EngineOptions = {}): Diagnoser {
  const phases = options.phases?.length ? new Set<Phase>(options.phases) : null;
  const maxUnmatched = options.maxUnmatched ?? 50;
  const active = matcher.rules.filter((r) => {
    if (!phases) return true;
    const a = matcher.articles.get(r.rule.article);
    return !a || a.phase.some((p) => p === "any" || phases.has(p));
  });
  const activeSet = new Set(active.map((r) => r.index));

  const articles = new Map<string, ArticleState>();
  const lastSeen = new Array<number>(matcher.nearSlots.length).fill(-Infinity);
  let pending: Pending[] = [];
  const unmatched: UnmatchedLine[] = [];
  const unmatchedSeen = new Set<string>();
  let version: string | null = null;
  let strongPhase: Phase | null = null;
  let weakPhase: Phase | null = null;
  let wrapper: { tool: Wrapper; logPath: string | null; priority: number } | null = null;

  let physical = 0; // 1-based number of the last complete physical line
  let logical = 0; // running index of logical lines, for near-windows
  let carry = ""; // an incomplete last line from the previous chunk
  let carryCR = false; // the previous chunk ended in \r: a following \n belongs to it

  function record(c: Candidate) {
    const id = c.live.rule.article;
    const st = articles.get(id);
    if (!st) articles.set(id, { best: c, count: 1 });
    else {
      st.count++;
      if (better(c, st.best)) st.best = c;
    }
    const w = c.live.rule.wrapper;
    if (w && (!wrapper || c.live.rule.priority > wrapper.priority)) {
      wrapper = { tool: w, logPath: wrapper?.logPath ?? null, priority: c.live.rule.priority };
    }
    if (w && c.captures.logPath && !wrapper!.logPath) wrapper!.logPath = c.captures.logPath;
  }

  function candidatesOf(text: string, lineNo: number, parsed: ParsedLine): Candidate[] {
    const idx = options.plain ? null : matcher.prefilter.candidates(text);
    const found: Candidate[] = [];
    const consider = idx ?? active.map((r) => r.index);
    for (const i of consider) {
      if (idx && !activeSet.has(i)) continue;
      const live = matcher.rules[i]!;
      if (!tagAllows(live.rule, parsed)) continue;
      if (live.rule.source && (!parsed.file || !live.rule.source.includes(parsed.file))) continue;
      const m = live.re.exec(parsed.body);
      if (!m) continue;
      const captures: Record<string, string> = {};
      if (m.groups) for (const [k, v] of Object.entries(m.groups)) if (v !== undefined) captures[k] = v;
      const start = parsed.bodyStart + m.index;
      found.push({ live, line: lineNo, text, captures, span: [start, start + m[0].length] });
    }
    return found;
  }

  function onLogical(text: string, lineNo: number) {
    const index = logical++;
    const parsed = parseLine(text);

    if (version === null) version = versionOf(parsed.body);
    if (strongPhase === null) strongPhase = strongPhaseOf(parsed.body);
    if (weakPhase === null) weakPhase = weakPhaseOf(parsed.file);

    // Near-conditions seen on this line: settle pending candidates waiting for them.
    if (matcher.nearSlots.length) {
      let any = false;
      for (let s = 0; s < matcher.nearSlots.length; s++) {
        if (matcher.nearSlots[s]!.re.test(parsed.body)) {
          lastSeen[s] = index;
          any = true;
        }
      }
      if (pending.length) {
        pending = pending.filter((p) => {
          if (index > p.until) return false;
          if (any && lastSeen[p.candidate.live.near!.slot] === index) {
            record(p.candidate);
            return false;
          }
          return true;
        });
      }
    }

    let candidates = candidatesOf(text, lineNo, parsed);
    // On one line, only the highest-priority causes speak: a specific rule overrides a generic one.
    if (candidates.length > 1) {
      const top = Math.max(...candidates.filter((c) => c.live.rule.role === "cause").map((c) => c.live.rule.priority));
      candidates = candidates.filter((c) => c.live.rule.role === "symptom" || c.live.rule.priority === top);
    }
    for (const c of candidates) {
      const near = c.live.near;
      if (!near) record(c);
      else if (near.before && index - lastSeen[near.slot]! <= near.within) record(c);
      else if (near.after) pending.push({ candidate: c, until: index + near.within });
    }

    if (candidates.length === 0 && parsed.level === "error" && unmatched.length < maxUnmatched && !isSecondary(parsed.body)) {
      // One entry per distinct message: numbers, addresses and paths vary between repeats.
      const key = parsed.body.replace(/0x[0-9a-f]+|\d+/gi, "#");
      if (!unmatchedSeen.has(key)) {
        unmatchedSeen.add(key);
        unmatched.push({ line: lineNo, text: text.trimEnd() });
      }
    }
  }

  function onPhysical(line: string) {
    physical++;
    for (const l of logicalLines(line)) onLogical(l, physical);
  }

  const diagnoser: Diagnoser = {
    push(chunk: string) {
      if (!chunk) return diagnoser;
      let text = carry + chunk;
      if (carryCR && text.startsWith("\n")) text = text.slice(1);
      carryCR = false;
      let start = 0;
      if (physical === 0 && logical === 0 && text.charCodeAt(0) === 0xfeff) start = 1;
      const len = text.length;
      let i = start;
      // Next \n and next \r are searched once each and reused until passed: searching for a
      // character that never occurs must not rescan the rest of the chunk for every line.
      let nl = text.indexOf("\n", i);
      let cr = text.indexOf("\r", i);
      while (nl >= 0 || cr >= 0) {
        const end = cr >= 0 && (nl < 0 || cr < nl) ? cr : nl;
        onPhysical(text.slice(start, end));
        if (end === cr) {
          if (end + 1 >= len) {
            carryCR = true;
            i = end + 1;
          } else i = text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
        } else i = end + 1;
        start = i;
        if (nl >= 0 && nl < i) nl = text.indexOf("\n", i);
        if (cr >= 0 && cr < i) cr = text.indexOf("\r", i);
      }
      carry = text.slice(start);
      // Guard against a single gigantic line: keep only what the matcher will look at.
      if (carry.length > 1 << 20) carry = carry.slice(0, 1 << 20);
      return diagnoser;
    },
    end(): Diagnosis {
      if (carry.length) {
        onPhysical(carry);
        carry = "";
      }
      pending = [];
      const states = [...articles.values()].sort((a, b) => (better(a.best, b.best) ? -1 : better(b.best, a.best) ? 1 : 0));
      const limit = options.maxFindings ?? Infinity;
      const findings: Finding[] = states.slice(0, limit).map((st, i) => {
        const c = st.best;
        const article = matcher.articles.get(c.live.rule.article);
        return {
          id: c.live.rule.article,
          title: article?.title ?? c.live.rule.article,
          url: article?.url ?? `/failures/${c.live.rule.article}/`,
          line: c.line,
          text: c.text.trimEnd(),
          captures: c.captures,
          role: c.live.rule.role,
          rank: i + 1,
          span: c.span,
          count: st.count,
        };
      });
      const phase = strongPhase ?? weakPhase;
      const w = wrapper as { tool: Wrapper; logPath: string | null } | null;
      return {
        criu: version || phase ? { version, phase } : null,
        wrapper: w ? { tool: w.tool, logPath: w.logPath } : null,
        findings,
        unmatched,
      };
    },
  };
  return diagnoser;
}
