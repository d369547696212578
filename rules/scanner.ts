// The bulk scanner: one Aho-Corasick automaton over every literal that can make a line matter
// (rule literals, the CRIU tag words, version and phase signals, escape characters). A line that
// contains none of them can have no effect on a diagnosis, so the engine skips it after counting
// it, without splitting, decoding or running a single regex. Matching is exact (case-sensitive),
// as the rules' patterns are.

/** The automaton, built for one kind of input unit (UTF-16 code units or UTF-8 bytes). */
interface Automaton {
  /** Input unit -> alphabet class (0: a unit that appears in no literal). */
  classOf: Uint16Array | Uint8Array;
  classes: number;
  /** delta[state * classes + class] -> next state. */
  delta: Int32Array;
  /** 1 where a literal ends in this state. */
  accept: Uint8Array;
}

function build(literals: readonly (readonly number[])[], unitRange: number): Automaton {
  // Alphabet: one class per distinct unit used by a literal; every other unit is class 0.
  const classOf = unitRange > 256 ? new Uint16Array(unitRange) : new Uint8Array(unitRange);
  let classes = 1;
  for (const lit of literals) for (const u of lit) if (!classOf[u]) classOf[u] = classes++;

  // Trie.
  const next: Map<number, number>[] = [new Map()];
  const acceptList: number[] = [0];
  for (const lit of literals) {
    let s = 0;
    for (const u of lit) {
      const c = classOf[u]!;
      let t = next[s]!.get(c);
      if (t === undefined) {
        t = next.push(new Map()) - 1;
        acceptList.push(0);
        next[s]!.set(c, t);
      }
      s = t;
    }
    acceptList[s] = 1;
  }
  // Breadth-first failure links, folded into a full transition table.
  const states = next.length;
  const delta = new Int32Array(states * classes);
  const accept = Uint8Array.from(acceptList);
  const fail = new Int32Array(states);
  const queue: number[] = [];
  for (let c = 0; c < classes; c++) {
    const t = next[0]!.get(c);
    if (t !== undefined) {
      delta[c] = t;
      queue.push(t);
    }
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const s = queue[qi]!;
    if (accept[fail[s]!]) accept[s] = 1;
    for (let c = 0; c < classes; c++) {
      const t = next[s]!.get(c);
      if (t !== undefined) {
        fail[t] = delta[fail[s]! * classes + c]!;
        delta[s * classes + c] = t;
        queue.push(t);
      } else delta[s * classes + c] = delta[fail[s]! * classes + c]!;
    }
  }
  return { classOf, classes, delta, accept };
}

export class Scanner {
  private readonly literals: string[];
  private text?: Automaton;
  private bytes?: Automaton;
  /** After a scan: newlines passed before the hit (or before `to`), and where the last line began. */
  lines = 0;
  lineStart = 0;

  constructor(literals: Iterable<string>) {
    this.literals = [...new Set(literals)].filter((l) => l.length > 0);
  }

  /**
   * Scans `s` from `from` (a line start) to `to`. Returns the index of the unit that completes the
   * first literal, or -1. Counts the newlines passed in `lines` and the start of the current line
   * in `lineStart`.
   */
  scanText(s: string, from: number, to: number): number {
    const a = (this.text ??= build(
      this.literals.map((l) => [...l].flatMap((ch) => (ch.length === 1 ? [ch.charCodeAt(0)] : [ch.charCodeAt(0), ch.charCodeAt(1)]))),
      65536,
    ));
    const { classOf, classes, delta, accept } = a;
    let state = 0;
    let lines = 0;
    let lineStart = from;
    for (let i = from; i < to; i++) {
      const u = s.charCodeAt(i);
      if (u === 10) {
        lines++;
        lineStart = i + 1;
        state = 0;
        continue;
      }
      state = delta[state * classes + classOf[u]!]!;
      if (accept[state]) {
        this.lines = lines;
        this.lineStart = lineStart;
        return i;
      }
    }
    this.lines = lines;
    this.lineStart = lineStart;
    return -1;
  }

  /** The same over UTF-8 bytes. */
  scanBytes(b: Uint8Array, from: number, to: number): number {
    const a = (this.bytes ??= build(
      this.literals.map((l) => [...new TextEncoder().encode(l)]),
      256,
    ));
    const { classOf, classes, delta, accept } = a;
    let state = 0;
    let lines = 0;
    let lineStart = from;
    for (let i = from; i < to; i++) {
      const u = b[i]!;
      if (u === 10) {
        lines++;
        lineStart = i + 1;
        state = 0;
        continue;
      }
      state = delta[state * classes + classOf[u]!]!;
      if (accept[state]) {
        this.lines = lines;
        this.lineStart = lineStart;
        return i;
      }
    }
    this.lines = lines;
    this.lineStart = lineStart;
    return -1;
  }
}
