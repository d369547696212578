// Multi-literal search with an Aho-Corasick automaton, used twice by the engine:
// - the bulk scanner: over every literal that can make a line matter (rule literals, the CRIU tag
//   words, version and phase signals), it finds the next line worth looking at, so the lines in
//   between are only counted, never split, decoded or matched by a regex;
// - the prefilter: over every rule's literals, it says which rules can match a given line.
// Matching is exact (case-sensitive), as the rules' patterns are.
//
// The automaton is a DFA whose transitions are worked out the first time the input takes them:
// building it at start-up is then only the trie and its failure links (a millisecond or two), not
// states times alphabet entries, and a log only ever takes a small part of the table.

/** A transition not worked out yet. Never a state's row, nor a bit-inverted one. */
const UNKNOWN = -0x80000000;

interface Tables {
  /** Input unit -> alphabet class (0: a unit that appears in no literal, such as a newline). */
  classOf: Int32Array;
  classes: number;
  /**
   * The transition table, indexed by row + class, where a state's row is state * classes. Each
   * entry holds the next state's row, bit-inverted (negative) when a literal ends there (the scan
   * loop then needs neither a multiplication nor a second table), or UNKNOWN.
   */
  next: Int32Array;
  /** Failure link of each state (a state number). */
  fail: Int32Array;
  /** The literal ending exactly in a state (by state number), or -1. */
  own: Int32Array;
  /** The nearest state on the failure chain where a literal ends, or -1. */
  dict: Int32Array;
}

function build(literals: readonly (readonly number[])[], unitRange: number): Tables {
  const classOf = new Int32Array(unitRange);
  let classes = 1;
  let total = 1;
  for (const lit of literals) {
    total += lit.length;
    for (const u of lit) if (!classOf[u]) classOf[u] = classes++;
  }
  // The trie, with its edges stored in the transition table as known transitions.
  const next = new Int32Array(total * classes).fill(UNKNOWN);
  const own = new Int32Array(total).fill(-1);
  const children: number[][] = [[]];
  let states = 1;
  literals.forEach((lit, id) => {
    let s = 0;
    for (const u of lit) {
      const k = s * classes + classOf[u]!;
      if (next[k] === UNKNOWN) {
        next[k] = states * classes;
        children[s]!.push(classOf[u]!);
        children.push([]);
        states++;
      }
      s = next[k]! / classes;
    }
    if (own[s] === -1) own[s] = id;
  });
  const fail = new Int32Array(states);
  const dict = new Int32Array(states).fill(-1);
  const tables: Tables = { classOf, classes, next, fail, own: own.subarray(0, states), dict };
  // The root goes back to itself on every unit that starts no literal.
  for (let c = 0; c < classes; c++) if (next[c] === UNKNOWN) next[c] = 0;
  // Failure links and dictionary links, breadth first.
  const queue = new Int32Array(states);
  let tail = 0;
  // A state's links are set when it is queued: every state they can lead to is shallower, so
  // already queued, and transitions worked out on the way see final links.
  for (let head = -1; head < tail; head++) {
    const s = head < 0 ? 0 : queue[head]!;
    for (const c of children[s]!) {
      const t = next[s * classes + c]! / classes;
      const f = s === 0 ? 0 : stateOf(tables, fail[s]!, c);
      fail[t] = f;
      dict[t] = own[f]! >= 0 ? f : dict[f]!;
      queue[tail++] = t;
    }
  }
  // Mark the trie edges that enter a state where a literal ends.
  for (let s = 0; s < states; s++) {
    for (const c of children[s]!) {
      const k = s * classes + c;
      const t = next[k]! / classes;
      if (own[t]! >= 0 || dict[t]! >= 0) next[k] = ~next[k]!;
    }
  }
  return tables;
}

/** The state reached from state `s` on class `c`, working out (and keeping) missing transitions. */
function stateOf(t: Tables, s: number, c: number): number {
  const k = s * t.classes + c;
  let e = t.next[k]!;
  if (e === UNKNOWN) {
    const target = s === 0 ? 0 : stateOf(t, t.fail[s]!, c);
    e = t.own[target]! >= 0 || t.dict[target]! >= 0 ? ~(target * t.classes) : target * t.classes;
    t.next[k] = e;
  }
  return (e < 0 ? ~e : e) / t.classes;
}

/** The table entry for `row + c` once worked out (for the scan loops' rare slow path). */
function entry(t: Tables, row: number, c: number): number {
  stateOf(t, row / t.classes, c);
  return t.next[row + c]!;
}

const utf16 = (s: string) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));
const utf8 = (s: string) => Array.from(new TextEncoder().encode(s));

export class Automaton {
  readonly literals: readonly string[];
  private text?: Tables;
  private bytes?: Tables;

  /**
   * Literals longer than `maxLength` are cut to their first `maxLength` units: a line holding a
   * literal holds its prefix too, so nothing is missed, and the automaton stays small.
   */
  constructor(literals: Iterable<string>, maxLength = 16) {
    this.literals = [...new Set([...literals].map((l) => l.slice(0, maxLength)))].filter((l) => l.length > 0);
  }

  private textTables(): Tables {
    return (this.text ??= build(this.literals.map(utf16), 65536));
  }

  /**
   * Index of the unit that completes the first literal found in s[from, to) (a literal that
   * started before `from` is not seen), or -1. No literal spans a newline (the engine's literals
   * are single-line), so the newline's class sends the search back to the root by itself.
   */
  findText(s: string, from: number, to: number): number {
    const t = this.textTables();
    const { classOf, next } = t;
    let row = 0;
    for (let i = from; i < to; i++) {
      const c = classOf[s.charCodeAt(i)]!;
      let e = next[row + c]!;
      if (e < 0) {
        if (e === UNKNOWN) e = entry(t, row, c);
        if (e < 0) return i;
      }
      row = e;
    }
    return -1;
  }

  /** The same over UTF-8 bytes. A separate copy of the loop: one element type per loop keeps V8's code monomorphic. */
  findBytes(b: Uint8Array, from: number, to: number): number {
    const t = (this.bytes ??= build(this.literals.map(utf8), 256));
    const { classOf, next } = t;
    let row = 0;
    for (let i = from; i < to; i++) {
      const c = classOf[b[i]!]!;
      let e = next[row + c]!;
      if (e < 0) {
        if (e === UNKNOWN) e = entry(t, row, c);
        if (e < 0) return i;
      }
      row = e;
    }
    return -1;
  }

  /** Indices (into `literals`) of every literal that occurs in `s`. */
  matches(s: string): Set<number> {
    const t = this.textTables();
    const { classOf, classes, next, own, dict } = t;
    const found = new Set<number>();
    let row = 0;
    for (let i = 0; i < s.length; i++) {
      const c = classOf[s.charCodeAt(i)]!;
      let e = next[row + c]!;
      if (e === UNKNOWN) e = entry(t, row, c);
      if (e < 0) {
        row = ~e;
        const state = row / classes;
        for (let x = own[state]! >= 0 ? state : dict[state]!; x >= 0; x = dict[x]!) found.add(own[x]!);
      } else row = e;
    }
    return found;
  }
}
