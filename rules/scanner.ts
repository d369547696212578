// Multi-literal search with an Aho-Corasick automaton, used twice by the engine:
// - the bulk scanner: over every literal that can make a line matter (rule literals, the CRIU tag
//   words, version and phase signals), it finds the next line worth looking at, so the lines in
//   between are only counted, never split, decoded or matched by a regex;
// - the prefilter: over every rule's literals, it says which rules can match a given line.
// Matching is exact (case-sensitive), as the rules' patterns are.
//
// The automaton is a DFA whose transitions are worked out the first time the input takes them:
// building it at start-up is only the trie and its failure links (a millisecond or two), and
// the table (states times alphabet, zero-filled) is only touched where a log takes it. In this
// kind of VM a first touch costs ~16 µs a page, so untouched rows are start-up time saved; rows
// are handed out in the order states are first reached, so the few hundred a log reaches share
// pages instead of being spread over the whole table.

/**
 * A transition not worked out yet. States are numbered from 1, so that no row is 0 and a fresh
 * (zero-filled) table needs no filling.
 */
const UNKNOWN = 0;
const ROOT = 1;

interface Tables {
  /** Input unit -> alphabet class (0: a unit that appears in no literal, such as a newline). */
  classOf: Int32Array;
  classes: number;
  /**
   * The transition table, indexed by row + class. Each entry holds the next state's row,
   * bit-inverted (negative) when a literal ends there (the scan loop then needs neither a
   * multiplication nor a second table), or UNKNOWN.
   */
  next: Int32Array;
  /** Each state's row (0: none yet), and the state whose row is slot * classes. */
  rowOf: Int32Array;
  stateAt: Int32Array;
  /** Rows handed out so far, counting the unused slot 0. */
  rows: number;
  /** The trie: the root's child by class (0: none), and every other state's children as a list. */
  rootChild: Int32Array;
  firstChild: Int32Array;
  sibling: Int32Array;
  /** The class of the trie edge into each state. */
  edge: Int32Array;
  /** Failure link of each state (a state number). */
  fail: Int32Array;
  /** The literal ending exactly in a state (by state number), or -1. */
  own: Int32Array;
  /** The nearest state on the failure chain where a literal ends, or -1. */
  dict: Int32Array;
}

/** The trie child of state `s` on class `c`, or 0. */
function child(t: Tables, s: number, c: number): number {
  if (s === ROOT) return t.rootChild[c]!;
  for (let x = t.firstChild[s]!; x !== 0; x = t.sibling[x]!) if (t.edge[x] === c) return x;
  return 0;
}

function build(literals: readonly Uint16Array[] | readonly Uint8Array[], unitRange: number): Tables {
  const classOf = new Int32Array(unitRange);
  let classes = 1;
  let total = ROOT + 1;
  for (const lit of literals) {
    total += lit.length;
    for (let i = 0; i < lit.length; i++) if (!classOf[lit[i]!]) classOf[lit[i]!] = classes++;
  }
  const t: Tables = {
    classOf,
    classes,
    next: new Int32Array(total * classes),
    rowOf: new Int32Array(total),
    stateAt: new Int32Array(total),
    rows: 1,
    rootChild: new Int32Array(classes),
    firstChild: new Int32Array(total),
    sibling: new Int32Array(total),
    edge: new Int32Array(total),
    fail: new Int32Array(total),
    own: new Int32Array(total).fill(-1),
    dict: new Int32Array(total).fill(-1),
  };
  let states = ROOT + 1;
  for (let id = 0; id < literals.length; id++) {
    const lit = literals[id]!;
    let s = ROOT;
    for (let i = 0; i < lit.length; i++) {
      const c = classOf[lit[i]!]!;
      let x = child(t, s, c);
      if (x === 0) {
        x = states++;
        t.edge[x] = c;
        if (s === ROOT) t.rootChild[c] = x;
        else {
          t.sibling[x] = t.firstChild[s]!;
          t.firstChild[s] = x;
        }
      }
      s = x;
    }
    if (t.own[s] === -1) t.own[s] = id;
  }
  // Failure and dictionary links, breadth first, from the trie alone: the transition table is
  // left untouched until a scan needs it.
  t.fail[ROOT] = ROOT;
  const queue = new Int32Array(states);
  let tail = 0;
  for (let c = 1; c < classes; c++) {
    const x = t.rootChild[c]!;
    if (x === 0) continue;
    t.fail[x] = ROOT;
    queue[tail++] = x;
  }
  for (let head = 0; head < tail; head++) {
    const s = queue[head]!;
    for (let x = t.firstChild[s]!; x !== 0; x = t.sibling[x]!) {
      const c = t.edge[x]!;
      let f = t.fail[s]!;
      let g = child(t, f, c);
      while (g === 0 && f !== ROOT) {
        f = t.fail[f]!;
        g = child(t, f, c);
      }
      const link = g === 0 ? ROOT : g;
      t.fail[x] = link;
      t.dict[x] = t.own[link]! >= 0 ? link : t.dict[link]!;
      queue[tail++] = x;
    }
  }
  return t;
}

/** State `s`'s row, handed out the first time it is asked for. */
function rowFor(t: Tables, s: number): number {
  let row = t.rowOf[s]!;
  if (row === 0) {
    row = t.rows * t.classes;
    t.rowOf[s] = row;
    t.stateAt[t.rows++] = s;
  }
  return row;
}

/** The state whose row is `row`. */
function stateAtRow(t: Tables, row: number): number {
  return t.stateAt[row / t.classes]!;
}

/** The state reached from state `s` on class `c`, working out (and keeping) missing transitions. */
function stateOf(t: Tables, s: number, c: number): number {
  const k = rowFor(t, s) + c;
  let e = t.next[k]!;
  if (e === UNKNOWN) {
    const x = c === 0 ? 0 : child(t, s, c);
    const target = x !== 0 ? x : s === ROOT ? ROOT : stateOf(t, t.fail[s]!, c);
    e = t.own[target]! >= 0 || t.dict[target]! >= 0 ? ~rowFor(t, target) : rowFor(t, target);
    t.next[k] = e;
  }
  return stateAtRow(t, e < 0 ? ~e : e);
}

/** The table entry for `row + c` once worked out (for the scan loops' rare slow path). */
function entry(t: Tables, row: number, c: number): number {
  stateOf(t, stateAtRow(t, row), c);
  return t.next[row + c]!;
}

function utf16(s: string): Uint16Array {
  const u = new Uint16Array(s.length);
  for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
  return u;
}
const encoder = new TextEncoder();
const utf8 = (s: string) => encoder.encode(s);

export class Automaton {
  readonly literals: readonly string[];
  private text?: Tables;
  private bytes?: Tables;
  /**
   * After a find that hit: the row of the state the hit left the search in. Passing it back as
   * `row` resumes the search after the hit without missing an overlapping literal.
   */
  lastRow = 0;
  /** After findText: the newlines passed before the hit (or before `to`), and where the last line began. */
  lines = 0;
  lineStart = 0;

  /**
   * Literals longer than `maxLength` are cut to their first `maxLength` units: a line holding a
   * literal holds its prefix too, so nothing is missed, and the automaton stays small.
   */
  constructor(
    literals: Iterable<string>,
    private readonly maxLength = 16,
  ) {
    this.literals = [...new Set([...literals].map((l) => l.slice(0, maxLength)))].filter((l) => l.length > 0);
    this.ids = new Map(this.literals.map((l, i) => [l, i]));
  }

  private readonly ids: Map<string, number>;

  /** The index in `literals` that a literal given to the constructor has, or -1. */
  idOf(literal: string): number {
    return this.ids.get(literal.slice(0, this.maxLength)) ?? -1;
  }

  private textTables(): Tables {
    return (this.text ??= build(this.literals.map(utf16), 65536));
  }

  private bytesTables(): Tables {
    return (this.bytes ??= build(this.literals.map(utf8), 256));
  }

  /**
   * The union of `masks[id]` over the literals that end where the last find of the given kind
   * hit (`lastRow`): what kinds of literal the hit stands for.
   */
  maskOfHit(masks: Uint8Array, bytes: boolean): number {
    return this.maskOfRow(masks, this.lastRow, bytes);
  }

  /** The same for the state whose row is `row` (a hit's row, see hit-scanner.ts). */
  maskOfRow(masks: Uint8Array, row: number, bytes: boolean): number {
    const t = bytes ? this.bytesTables() : this.textTables();
    const { own, dict } = t;
    const state = stateAtRow(t, row);
    let m = 0;
    for (let x = own[state]! >= 0 ? state : dict[state]!; x >= 0; x = dict[x]!) m |= masks[own[x]!]!;
    return m;
  }

  /**
   * The bytes automaton as a table for another implementation of the scan loop (hit-scanner.ts):
   * each byte's class, a row's width, the root's row, and `entry(row, c)`, the table entry for
   * row + class worked out if needed (see Tables.next), and `size`, the table's number of entries.
   */
  byteTable(): { classOf: Int32Array; classes: number; size: number; root: number; entry(row: number, c: number): number } {
    const t = this.bytesTables();
    return { classOf: t.classOf, classes: t.classes, size: t.next.length, root: rowFor(t, ROOT), entry: (row, c) => entry(t, row, c) };
  }

  /**
   * Index of the unit that completes the first literal found in s[from, to) (a literal that
   * started before `from` is not seen), or -1. No literal spans a newline (the engine's literals
   * are single-line), so the newline's class sends the search back to the root by itself.
   */
  findText(s: string, from: number, to: number, row = -1): number {
    const t = this.textTables();
    const { classOf, next } = t;
    if (row < 0) row = rowFor(t, ROOT);
    let lines = 0;
    let lineStart = from;
    for (let i = from; i < to; i++) {
      const u = s.charCodeAt(i);
      // Newlines are counted here, off the loop's critical path, rather than searched for again.
      if (u === 10) {
        lines++;
        lineStart = i + 1;
      }
      const c = classOf[u]!;
      let e = next[row + c]!;
      if (e <= 0) {
        if (e === UNKNOWN) e = entry(t, row, c);
        if (e < 0) {
          this.lastRow = ~e;
          this.lines = lines;
          this.lineStart = lineStart;
          return i;
        }
      }
      row = e;
    }
    this.lines = lines;
    this.lineStart = lineStart;
    return -1;
  }

  /**
   * The same over UTF-8 bytes, without the newline count (the bytes path counts newlines in
   * WebAssembly; this loop serves JsHitScanner). A separate loop: one element type per loop keeps
   * V8's code monomorphic.
   */
  findBytes(b: Uint8Array, from: number, to: number, row = -1): number {
    const t = this.bytesTables();
    const { classOf, next } = t;
    if (row < 0) row = rowFor(t, ROOT);
    for (let i = from; i < to; i++) {
      const c = classOf[b[i]!]!;
      let e = next[row + c]!;
      if (e <= 0) {
        if (e === UNKNOWN) e = entry(t, row, c);
        if (e < 0) {
          this.lastRow = ~e;
          return i;
        }
      }
      row = e;
    }
    return -1;
  }

  /** Indices (into `literals`) of every literal that occurs in `s`. */
  matches(s: string): Set<number> {
    const t = this.textTables();
    const { classOf, next, own, dict } = t;
    const found = new Set<number>();
    let row = rowFor(t, ROOT);
    for (let i = 0; i < s.length; i++) {
      const c = classOf[s.charCodeAt(i)]!;
      let e = next[row + c]!;
      if (e === UNKNOWN) e = entry(t, row, c);
      if (e < 0) {
        row = ~e;
        const state = stateAtRow(t, row);
        for (let x = own[state]! >= 0 ? state : dict[state]!; x >= 0; x = dict[x]!) found.add(own[x]!);
      } else row = e;
    }
    return found;
  }
}
