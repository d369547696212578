// The lines the engine puts aside unread (see defer in engine.ts): a ring of (logical index,
// source, start, end) in typed arrays. A CRIU log at -v4 can put aside a line in twenty
// (page-pipe, PPB); an object and an Array.shift() per line cost more than the scan of it.

export class DeferredLines {
  private index = new Float64Array(64);
  private start = new Int32Array(64);
  private end = new Int32Array(64);
  private source: (Uint8Array | string)[] = new Array(64);
  private head = 0;
  size = 0;

  /** Adds line[start, end) with its logical index, after dropping those before `oldest`. */
  push(index: number, line: Uint8Array | string, start: number, end: number, oldest: number) {
    while (this.size && this.index[this.head]! < oldest) this.drop();
    if (this.size === this.index.length) this.grow();
    const at = (this.head + this.size) & (this.index.length - 1);
    this.index[at] = index;
    this.source[at] = line;
    this.start[at] = start;
    this.end[at] = end;
    this.size++;
  }

  /**
   * Copies the lines that still point into `chunk` (the caller may reuse its buffer). They sit
   * together near the chunk's end: one copy of the span they cover, unless that span is large.
   */
  keep(chunk: Uint8Array) {
    let from = -1;
    let to = 0;
    this.each((at) => {
      if (this.source[at] !== chunk) return;
      if (from < 0) from = this.start[at]!;
      to = this.end[at]!;
    });
    if (from < 0) return;
    const span = to - from <= 1 << 16 ? chunk.slice(from, to) : null;
    this.each((at) => {
      if (this.source[at] !== chunk) return;
      const base = span ? from : this.start[at]!;
      this.source[at] = span ?? chunk.slice(this.start[at]!, this.end[at]!);
      this.start[at]! -= base;
      this.end[at]! -= base;
    });
  }

  /** Calls fn for each line in order, then forgets them all. */
  drain(fn: (index: number, line: Uint8Array | string, start: number, end: number) => void) {
    this.each((at) => fn(this.index[at]!, this.source[at]!, this.start[at]!, this.end[at]!));
    while (this.size) this.drop();
  }

  private each(fn: (at: number) => void) {
    const mask = this.index.length - 1;
    for (let k = 0; k < this.size; k++) fn((this.head + k) & mask);
  }

  private drop() {
    this.source[this.head] = "";
    this.head = (this.head + 1) & (this.index.length - 1);
    this.size--;
  }

  /** Doubles the ring (its length stays a power of two), unrolled so the oldest comes first. */
  private grow() {
    const n = this.index.length;
    const index = new Float64Array(2 * n);
    const start = new Int32Array(2 * n);
    const end = new Int32Array(2 * n);
    const source: (Uint8Array | string)[] = new Array(2 * n);
    for (let k = 0; k < n; k++) {
      const at = (this.head + k) & (n - 1);
      index[k] = this.index[at]!;
      start[k] = this.start[at]!;
      end[k] = this.end[at]!;
      source[k] = this.source[at]!;
    }
    this.index = index;
    this.start = start;
    this.end = end;
    this.source = source;
    this.head = 0;
  }
}
