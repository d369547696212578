// The matcher: feeds a log through the compiled rules and returns the diagnosis contract.
// No I/O and no dependencies, so the same code runs in Node (CLI, npm module) and in the
// browser's Web Worker (checker). Input can arrive in chunks of any size (see createDiagnoser).
import { requiredLiterals } from "./literals.js";
import { SIGNAL_SOURCES, isRestoredVerdict, isSecondary, parseLine, strongPhaseOf, versionOf, weakPhaseOf, type ParsedLine } from "./log-line.js";
import { MAX_LINE, logicalLines } from "./normalize.js";
import { buildPrefilter, type Prefilter } from "./prefilter.js";
import { PieJoiner } from "./continuation.js";
import { DeferredLines } from "./deferred-lines.js";
import { Automaton } from "./scanner.js";
import { createHitScanner, type HitScanner } from "./hit-scanner.js";
import { KIND_NEAR, KIND_RULE, KIND_SIGNAL, LineRecords, RECORD, collectLines, firstOf, nativeView } from "./line-collector.js";
import type { CompiledRule, DiagnoseOptions, Diagnosis, Finding, Phase, RuleSet, UnmatchedLine, Wrapper } from "./types.js";
import { WRAPPERS } from "./vocabulary.js";

/** A rule with its regexes built once. */
export interface LiveRule {
  index: number;
  rule: CompiledRule;
  /** Built on first use: most rules never run on a given log, and a CLI run's start-up counts. */
  re: RegExp | null;
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
  /** The last line any of the article's rules matched. */
  lastLine: number;
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
  /** Finds the lines that can matter in bulk input; null when some rule has no literal to look for. */
  scanner: Automaton | null;
  /** The scanner's bytes loop, made on first use (hitScannerOf). */
  hitScanner?: HitScanner;
  /** For each of the scanner's literals, what it can change (KIND_* bits). */
  scannerKinds: Uint8Array;
  /** The widest near-condition window, in lines. */
  maxWithin: number;
  articles: Map<string, RuleSet["articles"][number]>;
}

/**
 * Literals of which every line that can change a diagnosis contains one: the rules' own literals,
 * their near-conditions', the level tags (unmatched Error lines, weak phase signals; a bare
 * `(criu/x.c:1):` tag, see log-line.ts, is found by its directory), version and
 * phase signals, and the logrus ` msg="` that normalisation unquotes. The other lines normalisation
 * changes hold an escape or a backslash, or end in `>`: scanLines and scanPiece find those
 * with indexOf. Leading blanks are dropped from each literal (normalisation may remove controls
 * among blanks at a line's start, see normalize.ts). Null when a rule for untagged lines or a
 * near-condition has no literal (the compiler refuses such rules), which disables bulk scanning.
 */
function triggerLiterals(ruleset: RuleSet): { literal: string; kind: number }[] | null {
  const out: { literal: string; kind: number }[] = [];
  const add = (kind: number, lits: readonly string[]) => {
    for (const l of lits) out.push({ literal: l.replace(/^\s+/, ""), kind });
  };
  add(KIND_RULE, ["Error", "Warn", ' msg="', "(criu/", "(compel/", "(soccr/"]);
  for (const r of ruleset.rules) {
    // A rule for tagged lines is covered by the tag words; any other rule needs its own literal.
    if (r.tag !== "error" && r.tag !== "warn" && r.tag !== "tagged") {
      if (!r.literals.length) return null;
      add(KIND_RULE, r.literals);
    }
    if (r.near) {
      if (!r.near.literals.length) return null;
      add(KIND_NEAR, r.near.literals);
    }
  }
  for (const source of SIGNAL_SOURCES) {
    const lits = requiredLiterals(source);
    if (!lits.length) return null;
    add(KIND_SIGNAL, lits);
  }
  return out.every((l) => l.literal.length > 0) ? out : null;
}

export { KIND_NEAR, KIND_RULE, KIND_SIGNAL };

/**
 * How much of each trigger literal the bulk scanner keeps. A short prefix can be common in logs
 * (`: Restoring ` of an Open Liberty message matches every restore line with a pid column); the
 * deeper states of longer literals are only visited while the text keeps matching them.
 */
const BULK_KEPT = 24;

function buildScanner(ruleset: RuleSet): { scanner: Automaton; kinds: Uint8Array } | null {
  const lits = triggerLiterals(ruleset);
  if (!lits) return null;
  const scanner = new Automaton(lits.map((l) => l.literal), BULK_KEPT);
  const kinds = new Uint8Array(scanner.literals.length);
  for (const { literal, kind } of lits) kinds[scanner.idOf(literal)]! |= kind;
  return { scanner, kinds };
}

export function createMatcher(ruleset: RuleSet): Matcher {
  const bulk = buildScanner(ruleset);
  const nearSlots: { re: RegExp; key: string }[] = [];
  const rules: LiveRule[] = ruleset.rules.map((rule, index) => {
    const live: LiveRule = { index, rule, re: null };
    if (rule.near) {
      const key = rule.near.pattern;
      let slot = nearSlots.findIndex((s) => s.key === key);
      if (slot < 0) slot = nearSlots.push({ re: new RegExp(rule.near.pattern), key }) - 1;
      const d = rule.near.direction;
      live.near = { re: nearSlots[slot]!.re, within: rule.near.within, before: d !== "after", after: d !== "before", slot };
    }
    return live;
  });
  return {
    rules,
    nearSlots,
    prefilter: buildPrefilter(ruleset.rules),
    scanner: bulk?.scanner ?? null,
    scannerKinds: bulk?.kinds ?? new Uint8Array(0),
    maxWithin: Math.max(0, ...ruleset.rules.map((r) => r.near?.within ?? 0)),
    articles: new Map(ruleset.articles.map((a) => [a.id, a])),
  };
}

/** The matcher's hit scanner, made the first time bytes are scanned: a CLI run on text never pays for it. */
function hitScannerOf(matcher: Matcher): HitScanner {
  return (matcher.hitScanner ??= createHitScanner(matcher.scanner!));
}

/** A rule's regex, built the first time it is needed. */
export function regexOf(live: LiveRule): RegExp {
  return (live.re ??= new RegExp(live.rule.pattern));
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
  /** Feed raw UTF-8 bytes (a file read in chunks); faster than decoding first. Don't mix with push(). */
  pushBytes(chunk: Uint8Array): Diagnoser;
  /**
   * A buffer to read input into and pass (or a subarray of it) to pushBytes(): it is scanned where
   * it is, without a copy. One buffer is shared by the diagnosers of a matcher: fill it only for
   * the next pushBytes().
   */
  readBuffer(): Uint8Array;
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
  let phaseSettled = false; // a failure verdict named the phase: no later line changes it
  let restoredLine = 0; // the last line where CRIU said a restore succeeded
  let weakPhase: Phase | null = null;
  let wrapper: { tool: Wrapper; logPath: string | null } | null = null;

  let physical = 0; // 1-based number of the last complete physical line
  let logical = 0; // running index of logical lines, for near-windows
  let carry = ""; // an incomplete last line from the previous chunk
  let carryCR = false; // the previous chunk ended in \r: a following \n belongs to it

  function record(c: Candidate) {
    const id = c.live.rule.article;
    const st = articles.get(id);
    if (!st) articles.set(id, { best: c, count: 1, lastLine: c.line });
    else {
      st.count++;
      if (better(c, st.best)) st.best = c;
      if (c.line > st.lastLine) st.lastLine = c.line;
    }
    noteWrapper(c);
  }

  /**
   * A wrapper rule names the tool that ran CRIU and maybe where it left CRIU's log, whether or not
   * its line ends up as a finding: the outermost tool seen wins, and the first log path.
   */
  function noteWrapper(c: Candidate) {
    const w = c.live.rule.wrapper;
    if (!w) return;
    if (!wrapper) wrapper = { tool: w, logPath: null };
    else if (WRAPPERS.indexOf(w) < WRAPPERS.indexOf(wrapper.tool)) wrapper.tool = w;
    if (c.captures.logPath && !wrapper.logPath) wrapper.logPath = c.captures.logPath;
  }

  // Lines holding only near-condition literals (page-pipe, PPB and the like, a tenth of some
  // logs) are kept unread, with the logical index they hold, until a candidate asks about its
  // neighbourhood; most logs never do. Only the last maxWithin lines' worth is kept.
  const deferred = new DeferredLines();

  /** Puts line[start, end) aside (a string, or bytes of the chunk being scanned). */
  function defer(line: Uint8Array | string, start: number, end: number) {
    const index = logical;
    skipLines(1);
    deferred.push(index, line, start, end, index - matcher.maxWithin);
  }

  /** Reads the deferred lines for their near-conditions, as onLogical would have. */
  function readDeferred() {
    deferred.drain((index, line, start, end) => {
      // Such a line has no escape, backslash or ` msg="`: it is one logical line.
      const text = typeof line === "string" ? line.slice(start, end) : utf8.decode(line.subarray(start, end));
      for (const l of logicalLines(text)) {
        const body = parseLine(l).body;
        for (let s = 0; s < matcher.nearSlots.length; s++) {
          if (matcher.nearSlots[s]!.re.test(body) && lastSeen[s]! < index) lastSeen[s] = index;
        }
      }
    });
  }

  /** Whether a line whose literals are of `kinds` must be read now (else it is deferred or skipped). */
  function mustRead(kinds: number): boolean {
    if (kinds & KIND_RULE) return true;
    if (kinds & KIND_SIGNAL && (version === null || !phaseSettled)) return true;
    return (kinds & KIND_NEAR) !== 0 && pending.length > 0;
  }

  /** A line listed as unmatched turned out to be explained by a later near-condition. */
  function explained(lineNo: number) {
    const i = unmatched.findIndex((u) => u.line === lineNo);
    if (i >= 0) unmatched.splice(i, 1);
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
      const m = regexOf(live).exec(parsed.body);
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
    if (!phaseSettled) {
      const p = strongPhaseOf(parsed.body);
      if (p && (strongPhase === null || p.failed)) {
        strongPhase = p.phase;
        phaseSettled = p.failed;
      }
    }
    if (weakPhase === null) weakPhase = weakPhaseOf(parsed.file);
    if (!phaseSettled && isRestoredVerdict(parsed.body)) restoredLine = lineNo;

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
            explained(p.candidate.line);
            return false;
          }
          return true;
        });
      }
    }

    // Candidates that hold now, and those whose near-condition later lines may still satisfy.
    const now: Candidate[] = [];
    for (const c of candidatesOf(text, lineNo, parsed)) {
      const near = c.live.near;
      // Only a condition that looks back needs the lines put aside (they all precede this one).
      if (near?.before && deferred.size) readDeferred();
      if (!near || (near.before && index - lastSeen[near.slot]! <= near.within)) now.push(c);
      else if (near.after) pending.push({ candidate: c, until: index + near.within });
    }
    // On one line, only the highest-priority causes speak: a specific rule overrides a generic one.
    let top = -Infinity;
    for (const c of now) if (c.live.rule.role === "cause" && c.live.rule.priority > top) top = c.live.rule.priority;
    for (const c of now) {
      if (c.live.rule.role === "symptom" || c.live.rule.priority === top) record(c);
      else noteWrapper(c);
    }

    if (now.length === 0 && parsed.level === "error" && unmatched.length < maxUnmatched && !isSecondary(parsed.body)) {
      // One entry per distinct message: numbers, addresses and paths vary between repeats.
      const key = parsed.body.replace(/0x[0-9a-f]+|\d+/gi, "#");
      if (!unmatchedSeen.has(key)) {
        unmatchedSeen.add(key);
        unmatched.push({ line: lineNo, text: text.trimEnd() });
      }
    }
  }

  // Old CRIU cut long pie messages over several lines; the joiner puts them back together.
  const joiner = new PieJoiner(onLogical);

  function onPhysical(line: string) {
    physical++;
    for (const l of logicalLines(line)) joiner.push(l, physical);
  }

  /** Counts lines that hold no trigger literal: they cannot change the diagnosis. */
  function skipLines(n: number) {
    physical += n;
    logical += n;
  }

  /** Splits `text[start..]` into lines one by one; returns where the incomplete last line starts. */
  function splitLines(text: string, start: number): number {
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
    return start;
  }

  /**
   * The bulk path over text: only lines holding a trigger literal, an escape or a backslash, and
   * lines ending in `>` (a cut pie line), are split out and looked at; the others are only counted.
   */
  function scanLines(text: string, start: number, scanner: Automaton): number {
    const len = text.length;
    let pos = start;
    // The next escape, backslash and `>\n`, each searched again only once passed.
    let esc = -2;
    let bs = -2;
    let gt = -2;
    for (;;) {
      if (joiner.waiting) {
        // The line after a cut pie line is read whatever it holds: it may be the rest.
        const end = text.indexOf("\n", pos);
        if (end < 0) return pos;
        onPhysical(text.slice(pos, end));
        pos = end + 1;
        continue;
      }
      if (esc !== -1 && esc < pos) esc = text.indexOf("\x1b", pos);
      if (bs !== -1 && bs < pos) bs = text.indexOf("\\", pos);
      if (gt !== -1 && gt < pos) gt = text.indexOf(">\n", pos);
      const forced = firstOf(esc, bs, gt);
      let hit = scanner.findText(text, pos, forced < 0 ? len : forced);
      // The scanner counted the lines it passed: those before the hit's line are skipped.
      skipLines(scanner.lines);
      const lineStart = scanner.lineStart;
      let kinds = KIND_RULE; // a forced line is always read
      if (hit >= 0) kinds = scanner.maskOfHit(matcher.scannerKinds, false);
      else if (forced >= 0) hit = forced;
      else return lineStart;
      const end = text.indexOf("\n", hit);
      if (end < 0) return lineStart;
      if (!mustRead(kinds)) {
        // Only a signal or near-condition literal so far: the rest of the line may hold more.
        if (forced >= 0 && forced < end) kinds |= KIND_RULE;
        for (let j = hit + 1, row = scanner.lastRow; !mustRead(kinds) && j < end; ) {
          const h = scanner.findText(text, j, end, row);
          if (h < 0) break;
          kinds |= scanner.maskOfHit(matcher.scannerKinds, false);
          row = scanner.lastRow;
          j = h + 1;
        }
      }
      if (mustRead(kinds)) onPhysical(text.slice(lineStart, end));
      else if (kinds & KIND_NEAR) defer(text, lineStart, end);
      else skipLines(1);
      pos = end + 1;
    }
  }

  /**
   * The bulk path over UTF-8 bytes (see scanLines): the complete lines of buf from `start` go to
   * the hit scanner a piece at a time; returns where the incomplete last line starts. `buf` is a
   * Buffer in Node, for its fast indexOf.
   */
  function scanLinesBytes(buf: Uint8Array, start: number, hitScanner: HitScanner): number {
    const last = buf.lastIndexOf(10);
    let pos = start;
    while (pos <= last) {
      let to = last + 1;
      if (to - pos > hitScanner.piece) {
        to = buf.lastIndexOf(10, pos + hitScanner.piece - 1) + 1;
        if (to <= pos) {
          // One line longer than a piece: read it whole (the plain path's way).
          const end = buf.indexOf(10, pos);
          onPhysical(utf8.decode(buf.subarray(pos, end)));
          pos = end + 1;
          continue;
        }
      }
      scanPiece(buf, pos, to, hitScanner);
      pos = to;
    }
    return pos;
  }

  /** Reads, defers or counts the lines of buf[from, to) (whole lines), by the literals they hold. */
  function scanPiece(buf: Uint8Array, from: number, to: number, hitScanner: HitScanner) {
    collectLines(buf, from, to, hitScanner, kindsOfRow, records);
    walkLines(buf, from, to, records);
  }

  /**
   * The second half of scanPiece, on the records collectLines left for buf[from, to): each line
   * recorded is read, put aside or counted by what it holds and what the diagnosis needs now;
   * the lines between are counted. The line after a cut pie line is read whatever it holds.
   */
  function walkLines(buf: Uint8Array, from: number, to: number, list: LineRecords) {
    const data = list.data;
    let pos = from;
    let passed = 0; // newlines before pos
    for (let r = 0; r < RECORD * list.count; r += RECORD) {
      const start = data[r]!;
      for (; joiner.waiting && pos <= start; passed++) pos = readWaiting(buf, pos);
      if (start < pos) continue;
      const before = data[r + 3]!;
      if (before > passed) skipLines(before - passed);
      const end = data[r + 1]!;
      const kinds = data[r + 2]!;
      if (mustRead(kinds)) onPhysical(utf8.decode(buf.subarray(start, end)));
      else if (kinds & KIND_NEAR) defer(buf, start, end);
      else skipLines(1);
      pos = end + 1;
      passed = before + 1;
    }
    for (; joiner.waiting && pos < to; passed++) pos = readWaiting(buf, pos);
    if (list.newlines > passed) skipLines(list.newlines - passed);
  }

  /** Reads the line at pos (the one after a cut pie line); returns where the next one starts. */
  function readWaiting(buf: Uint8Array, pos: number): number {
    const end = buf.indexOf(10, pos);
    onPhysical(utf8.decode(buf.subarray(pos, end)));
    return end + 1;
  }

  const scanner = options.plain ? null : matcher.scanner;
  const records = new LineRecords();
  const kindsOfRow = (row: number) => matcher.scanner!.maskOfRow(matcher.scannerKinds, row, true);
  let bytesCarry: Uint8Array | null = null;
  let decoder: TextDecoder | null = null; // set once bytes input met a \r: decode from then on
  // ignoreBOM: a U+FEFF that starts a later line is text, as it is for push(); the stream's own
  // BOM is skipped explicitly.
  const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
  // The longest incomplete line kept between chunks: the matcher only looks at the first MAX_LINE
  // characters of a line (normalize.ts), and at most 3 bytes of UTF-8 make one character.
  const MAX_CARRY = MAX_LINE;
  const MAX_CARRY_BYTES = 4 * MAX_LINE;

  const diagnoser: Diagnoser = {
    push(chunk: string) {
      if (!chunk) return diagnoser;
      if (carry.length >= MAX_CARRY) {
        // The carried line is already longer than anything the matcher looks at: skip to its end
        // rather than copy and rescan the carry for every chunk of a line of any length.
        const nl = chunk.indexOf("\n");
        const cr = chunk.indexOf("\r");
        const cut = cr >= 0 && (nl < 0 || cr < nl) ? cr : nl;
        if (cut < 0) return diagnoser;
        chunk = chunk.slice(cut);
      }
      let text = carry + chunk;
      if (carryCR && text.startsWith("\n")) text = text.slice(1);
      carryCR = false;
      let start = 0;
      if (physical === 0 && logical === 0 && text.charCodeAt(0) === 0xfeff) start = 1;
      // Lone \r line ends need the line-by-line splitter; \n-only text can be scanned in bulk.
      const rest = scanner && !text.includes("\r") ? scanLines(text, start, scanner) : splitLines(text, start);
      carry = text.slice(rest);
      // Guard against a single gigantic line: keep only what the matcher will look at.
      if (carry.length > MAX_CARRY) carry = carry.slice(0, MAX_CARRY);
      return diagnoser;
    },
    pushBytes(chunk: Uint8Array) {
      if (!chunk.length) return diagnoser;
      if (decoder) return diagnoser.push(decoder.decode(chunk, { stream: true }));
      if (bytesCarry && bytesCarry.length >= MAX_CARRY_BYTES) {
        // As in push(): skip the rest of an over-long line instead of copying the carry again.
        const nl = chunk.indexOf(10);
        const cr = chunk.indexOf(13);
        const cut = cr >= 0 && (nl < 0 || cr < nl) ? cr : nl;
        if (cut < 0) return diagnoser;
        chunk = chunk.subarray(cut);
      }
      // One kind of view whatever came in (a Buffer in Node, for its fast indexOf; a plain
      // Uint8Array elsewhere): one element kind keeps the scanner's loop monomorphic.
      const buf = nativeView(chunk);
      const hitScanner = scanner ? hitScannerOf(matcher) : null;
      if (!hitScanner || buf.indexOf(13) >= 0) {
        // Hand over to the text path for good; the decoder keeps split multi-byte characters.
        decoder = new TextDecoder("utf-8", { ignoreBOM: true });
        const all = bytesCarry?.length ? concat(bytesCarry, buf) : buf;
        bytesCarry = null;
        const bom = physical === 0 && hasBom(all) ? 3 : 0;
        return diagnoser.push(decoder.decode(all.subarray(bom), { stream: true }));
      }
      let start = 0;
      if (bytesCarry?.length) {
        // The line the last chunk left open is completed on its own: the chunk is not copied.
        const nl = buf.indexOf(10);
        const head = nativeView(concat(bytesCarry, nl < 0 ? buf : buf.subarray(0, nl + 1)));
        bytesCarry = null;
        const bom = physical === 0 && hasBom(head) ? 3 : 0;
        if (nl < 0) {
          bytesCarry = head.slice(0, Math.min(head.length, MAX_CARRY_BYTES));
          return diagnoser;
        }
        scanLinesBytes(head, bom, hitScanner);
        start = nl + 1;
      } else if (physical === 0 && hasBom(buf)) start = 3;
      const len = buf.length;
      const pos = scanLinesBytes(buf, start, hitScanner);
      deferred.keep(buf);
      // A copy: the caller may reuse its buffer.
      if (pos < len) bytesCarry = new Uint8Array(buf.subarray(pos, Math.min(len, pos + MAX_CARRY_BYTES)));
      return diagnoser;
    },
    readBuffer(): Uint8Array {
      return scanner ? hitScannerOf(matcher).readBuffer() : new Uint8Array(1 << 20);
    },
    end(): Diagnosis {
      if (decoder) diagnoser.push(decoder.decode());
      if (bytesCarry?.length) {
        onPhysical(utf8.decode(bytesCarry));
        bytesCarry = null;
      }
      if (carry.length) {
        onPhysical(carry);
        carry = "";
      }
      joiner.flush();
      pending = [];
      // A restore CRIU itself called successful, with no failure verdict anywhere and nothing
      // found after it (a crash of the restored program, a wrapper's later error): what matched
      // before the verdict did not stop the restore, so it is no finding.
      const all = [...articles.values()];
      const restored = restoredLine > 0 && !phaseSettled && all.every((st) => st.lastLine < restoredLine);
      const states = (restored ? [] : all).sort((a, b) => (better(a.best, b.best) ? -1 : better(b.best, a.best) ? 1 : 0));
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

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Whether b starts with a UTF-8 byte order mark. */
function hasBom(b: Uint8Array): boolean {
  return b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}
