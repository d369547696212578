// Multi-literal search with an Aho-Corasick automaton, used twice by the engine:
// - the bulk scanner: over every literal that can make a line matter (rule literals, the CRIU tag
//   words, version and phase signals, characters that normalisation changes), it finds the next
//   line worth looking at, so the lines in between are only counted, never split, decoded or
//   matched by a regex;
// - the prefilter: over every rule's literals, it says which rules can match a given line.
// Matching is exact (case-sensitive), as the rules' patterns are.

interface Tables {
  /** Input unit -> alphabet class (0: a unit that appears in no literal, such as a newline). */
  classOf: Int32Array;
  classes: number;
  /**
   * The transition table, indexed by row + class, where a state's row is state * classes. Each
   * entry holds the next state's row, bit-inverted (negative) when a literal ends there: the scan
   * loop then needs neither a multiplication nor a second table.
   */
  next: Int32Array;
  /** The literal ending exactly in a state (by state number), or -1. */
  own: Int32Array;
  /** The nearest state on the failure chain where a literal ends, or -1. */
  dict: Int32Array;
}

function build(literals: readonly (readonly number[])[], unitRange: number): Tables {
  const classOf = unitRange > 256 ? new Uint16Array(unitRange) : new Uint8Array(unitRange);
  let classes = 1;
  let total = 1;
  for (const lit of literals) {
    total += lit.length;
    for (const u of lit) if (!classOf[u]) classOf[u] = classes++;
  }
  // Trie in a flat goto table (-1: no edge), turned in place into the full transition table.
  const delta = new Int32Array(total * classes).fill(-1);
  const own = new Int32Array(total).fill(-1);
  let states = 1;
  literals.forEach((lit, id) => {
    let s = 0;
    for (const u of lit) {
      const k = s * classes + classOf[u]!;
      if (delta[k] === -1) delta[k] = states++;
      s = delta[k]!;
    }
    if (own[s] === -1) own[s] = id;
  });
  const fail = new Int32Array(states);
  const dict = new Int32Array(states).fill(-1);
  const queue = new Int32Array(states);
  let tail = 0;
  for (let c = 0; c < classes; c++) {
    const t = delta[c]!;
    if (t === -1) delta[c] = 0;
    else queue[tail++] = t;
  }
  for (let head = 0; head < tail; head++) {
    const s = queue[head]!;
    const f = fail[s]!;
    dict[s] = own[f]! >= 0 ? f : dict[f]!;
    for (let c = 0; c < classes; c++) {
      const k = s * classes + c;
      const t = delta[k]!;
      if (t === -1) delta[k] = delta[f * classes + c]!;
      else {
        fail[t] = delta[f * classes + c]!;
        queue[tail++] = t;
      }
    }
  }
  const next = new Int32Array(states * classes);
  for (let k = 0; k < next.length; k++) {
    const t = delta[k]!;
    next[k] = own[t]! >= 0 || dict[t]! >= 0 ? ~(t * classes) : t * classes;
  }
  const classOf32 = new Int32Array(unitRange);
  classOf32.set(classOf);
  return { classOf: classOf32, classes, next, own: own.subarray(0, states), dict };
}

const utf16 = (s: string) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));
const utf8 = (s: string) => Array.from(new TextEncoder().encode(s));

export class Automaton {
  readonly literals: readonly string[];
  private text?: Tables;
  private bytes?: Tables;
  /** After a scan: newlines passed before the hit (or before `to`), and where the last line began. */
  lines = 0;
  lineStart = 0;

  /**
   * Literals longer than `maxLength` are cut to their first `maxLength` units: a line holding a
   * literal holds its prefix too, so nothing is missed, and the automaton stays small (it is built
   * at start-up, and its size is states times alphabet).
   */
  constructor(literals: Iterable<string>, maxLength = 16) {
    this.literals = [...new Set([...literals].map((l) => l.slice(0, maxLength)))].filter((l) => l.length > 0);
  }

  private textTables(): Tables {
    return (this.text ??= build(this.literals.map(utf16), 65536));
  }

  /**
   * Scans `s` from `from` (a line start) to `to`. Returns the index of the unit that completes the
   * first literal (or of the `>` that ends a line), or -1. Sets `lines` to the newlines passed and `lineStart` to the start of the
   * line the scan stopped in.
   */
  scanText(s: string, from: number, to: number): number {
    const { classOf, next } = this.textTables();
    let row = 0;
    let lines = 0;
    let lineStart = from;
    for (let i = from; i < to; i++) {
      const u = s.charCodeAt(i);
      if (u === 10) {
        // A line cut by CRIU's pie logger ends in `>`: the caller must see it (continuation.ts).
        if (i > lineStart && s.charCodeAt(i - 1) === 62) {
          this.lines = lines;
          this.lineStart = lineStart;
          return i - 1;
        }
        lines++;
        lineStart = i + 1;
        row = 0;
        continue;
      }
      row = next[row + classOf[u]!]!;
      if (row < 0) {
        this.lines = lines;
        this.lineStart = lineStart;
        return i;
      }
    }
    this.lines = lines;
    this.lineStart = lineStart;
    return -1;
  }

  /** The same over UTF-8 bytes. Kept a separate copy of the loop: one element type per loop keeps V8's code monomorphic. */
  scanBytes(b: Uint8Array, from: number, to: number): number {
    const { classOf, next } = (this.bytes ??= build(this.literals.map(utf8), 256));
    let row = 0;
    let lines = 0;
    let lineStart = from;
    for (let i = from; i < to; i++) {
      const u = b[i]!;
      if (u === 10) {
        if (i > lineStart && b[i - 1] === 62) {
          this.lines = lines;
          this.lineStart = lineStart;
          return i - 1;
        }
        lines++;
        lineStart = i + 1;
        row = 0;
        continue;
      }
      row = next[row + classOf[u]!]!;
      if (row < 0) {
        this.lines = lines;
        this.lineStart = lineStart;
        return i;
      }
    }
    this.lines = lines;
    this.lineStart = lineStart;
    return -1;
  }

  /** Indices (into `literals`) of every literal that occurs in `s`. */
  matches(s: string): Set<number> {
    const { classOf, classes, next, own, dict } = this.textTables();
    const found = new Set<number>();
    let row = 0;
    for (let i = 0; i < s.length; i++) {
      row = next[(row < 0 ? ~row : row) + classOf[s.charCodeAt(i)]!]!;
      if (row < 0) {
        const state = ~row / classes;
        for (let t = own[state]! >= 0 ? state : dict[state]!; t >= 0; t = dict[t]!) found.add(own[t]!);
      }
    }
    return found;
  }
}
