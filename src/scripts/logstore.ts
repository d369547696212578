// The log as the checker's worker keeps it for the log view: the pasted text, or the file's bytes,
// and an index of where every line starts, so that any range of lines can be read on demand. The
// page never holds the log; it asks for the screenful it shows. Pure (no DOM), tested in Node.
//
// Lines are counted as the engine counts them (rules/engine.ts): a line ends at \n, \r\n or a
// lone \r, a UTF-8 byte order mark before the first line is not part of it, and a last line without
// a line end still counts. Line numbers here and in the engine's findings therefore agree.
import type { ViewRow } from "./protocol.ts";

// Colour and cursor sequences, and other control characters (tab stays), as normalize.ts removes them.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g;
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;
const HAS_CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;

/** A raw line as it is shown: colour codes removed, other control characters as spaces. */
export function displayText(raw: string): string {
  let s = raw;
  if (s.includes("\x1b")) s = s.replace(ANSI, "");
  return HAS_CONTROL.test(s) ? s.replace(CONTROL, " ") : s;
}

/**
 * Where the rule's match lies in the physical line as shown. The engine matched a logical line:
 * the physical one with colours removed, or one piece of a JSON string it held. Null when the
 * matched text does not appear literally (escapes inside it).
 */
export function markInLine(shown: string, f: { text: string; span: [number, number] }): [number, number] | null {
  const logical = displayText(f.text);
  const whole = shown.indexOf(logical);
  if (whole >= 0 && logical.length) return [whole + f.span[0], whole + f.span[1]];
  const matched = logical.slice(f.span[0], f.span[1]);
  if (!matched) return null;
  const at = shown.indexOf(matched);
  return at >= 0 ? [at, at + matched.length] : null;
}

/** Longest line the log view shows; the rest of a longer line is cut. */
export const VIEW_LINE = 2000;
/** UTF-8 bytes read for a line at most (VIEW_LINE characters take at most 4 bytes each). */
const VIEW_BYTES = VIEW_LINE * 4;

/** A growable list of line start offsets (Float64: files beyond 4 GiB stay exact). */
class Offsets {
  data = new Float64Array(4096);
  length = 0;
  push(v: number) {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
}

/**
 * Where each line starts, built chunk by chunk as the log is read. Offsets are in the units of
 * the input: UTF-16 code units for text, bytes for a file.
 */
export class LineIndex {
  private starts = new Offsets();
  /** Units seen so far. */
  private total = 0;
  /** The last chunk ended in \r: a \n that starts the next one belongs to that line end. */
  private pendingCR = false;
  /** The first bytes, until there are three: a UTF-8 byte order mark can come split over chunks. */
  private head: number[] = [];

  addText(chunk: string): void {
    if (!chunk.length) return;
    const base = this.total;
    let i = 0;
    if (base === 0) {
      this.starts.push(chunk.charCodeAt(0) === 0xfeff ? 1 : 0);
    } else if (this.pendingCR && chunk.charCodeAt(0) === 10) {
      this.starts.data[this.starts.length - 1]!++;
      i = 1;
    }
    this.pendingCR = false;
    const len = chunk.length;
    if (chunk.indexOf("\r", i) < 0) {
      for (let nl = chunk.indexOf("\n", i); nl >= 0; nl = chunk.indexOf("\n", nl + 1)) this.starts.push(base + nl + 1);
    } else {
      let nl = chunk.indexOf("\n", i);
      let cr = chunk.indexOf("\r", i);
      while (nl >= 0 || cr >= 0) {
        let end: number;
        if (cr >= 0 && (nl < 0 || cr < nl)) {
          if (cr + 1 === len) {
            this.pendingCR = true;
            end = cr + 1;
          } else end = chunk.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
        } else end = nl + 1;
        this.starts.push(base + end);
        if (nl >= 0 && nl < end) nl = chunk.indexOf("\n", end);
        if (cr >= 0 && cr < end) cr = chunk.indexOf("\r", end);
      }
    }
    this.total += len;
  }

  addBytes(chunk: Uint8Array): void {
    if (!chunk.length) return;
    const base = this.total;
    let i = 0;
    if (base === 0) this.starts.push(0);
    else if (this.pendingCR && chunk[0] === 10) {
      this.starts.data[this.starts.length - 1]!++;
      i = 1;
    }
    if (this.head.length < 3) {
      for (let k = 0; k < chunk.length && this.head.length < 3; k++) this.head.push(chunk[k]!);
      const [a, b, c] = this.head;
      // The first line starts after the mark (its three bytes hold no line end to undo).
      if (this.head.length === 3 && a === 0xef && b === 0xbb && c === 0xbf) this.starts.data[0] = 3;
    }
    this.pendingCR = false;
    const len = chunk.length;
    if (chunk.indexOf(13, i) < 0) {
      for (let nl = chunk.indexOf(10, i); nl >= 0; nl = chunk.indexOf(10, nl + 1)) this.starts.push(base + nl + 1);
    } else {
      let nl = chunk.indexOf(10, i);
      let cr = chunk.indexOf(13, i);
      while (nl >= 0 || cr >= 0) {
        let end: number;
        if (cr >= 0 && (nl < 0 || cr < nl)) {
          if (cr + 1 === len) {
            this.pendingCR = true;
            end = cr + 1;
          } else end = chunk[cr + 1] === 10 ? cr + 2 : cr + 1;
        } else end = nl + 1;
        this.starts.push(base + end);
        if (nl >= 0 && nl < end) nl = chunk.indexOf(10, end);
        if (cr >= 0 && cr < end) cr = chunk.indexOf(13, end);
      }
    }
    this.total += len;
  }

  /** Number of lines: a line end at the very end opens no further line. */
  get lines(): number {
    const n = this.starts.length;
    if (n === 0) return 0;
    return this.starts.data[n - 1]! >= this.total ? n - 1 : n;
  }

  /** Start and end (after its line end) of 1-based line `line`. */
  range(line: number): [number, number] {
    const i = line - 1;
    const start = this.starts.data[i]!;
    const end = i + 1 < this.starts.length ? this.starts.data[i + 1]! : this.total;
    return [start, end];
  }
}

/** A line's text without its line end. */
function withoutLineEnd(s: string): string {
  let end = s.length;
  if (end && s.charCodeAt(end - 1) === 10) end--;
  if (end && s.charCodeAt(end - 1) === 13) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** A stored log: its lines, read on demand. */
export interface LogStore {
  readonly lines: number;
  /** Display rows for lines from..to (1-based, inclusive, clamped to the log). */
  read(from: number, to: number): Promise<ViewRow[]>;
  /** One line in full (up to VIEW_LINE characters) as it is displayed, with `cut` when longer. */
  line(n: number): Promise<{ text: string; cut: boolean }>;
}

function row(line: number, raw: string, cut: boolean): ViewRow {
  const text = displayText(raw);
  return cut ? { line, text, cutEnd: true } : { line, text };
}

/** Pasted or typed text, kept in the pieces it arrived in. */
export class TextStore implements LogStore {
  private index = new LineIndex();
  private pieces: string[] = [];
  private starts: number[] = [];
  private size = 0;

  constructor(text?: string) {
    if (text !== undefined) this.add(text);
  }

  /** Adds the next piece of the text, in order. */
  add(piece: string): void {
    if (!piece.length) return;
    this.index.addText(piece);
    this.pieces.push(piece);
    this.starts.push(this.size);
    this.size += piece.length;
  }

  get lines() {
    return this.index.lines;
  }

  /** Characters held. */
  get length() {
    return this.size;
  }

  /** Characters [a, b) of the text. */
  private slice(a: number, b: number): string {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= a) lo = mid;
      else hi = mid - 1;
    }
    let out = "";
    for (let p = lo; p < this.pieces.length && a < b; p++) {
      const piece = this.pieces[p]!;
      const from = a - this.starts[p]!;
      const take = Math.min(piece.length - from, b - a);
      out += piece.slice(from, from + take);
      a += take;
    }
    return out;
  }

  private raw(n: number): { text: string; cut: boolean } {
    const [start, end] = this.index.range(n);
    const s = withoutLineEnd(this.slice(start, Math.min(end, start + VIEW_LINE + 2)));
    return s.length > VIEW_LINE ? { text: s.slice(0, VIEW_LINE), cut: true } : { text: s, cut: false };
  }

  async line(n: number) {
    const r = this.raw(n);
    return { text: displayText(r.text), cut: r.cut };
  }

  async read(from: number, to: number) {
    const rows: ViewRow[] = [];
    for (let n = Math.max(1, from); n <= Math.min(to, this.lines); n++) {
      const r = this.raw(n);
      rows.push(row(n, r.text, r.cut));
    }
    return rows;
  }
}

/**
 * A file's bytes: kept in memory as read (up to `keepLimit` bytes), so that showing a line
 * needs no further read; beyond that, lines are read back from the File on demand.
 */
export class ByteStore implements LogStore {
  private index = new LineIndex();
  private chunks: Uint8Array[] = [];
  private chunkStarts: number[] = [];
  private kept = 0;
  private keeping = true;
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly file: Blob | null,
    private readonly keepLimit = 256 * 1024 * 1024,
  ) {}

  /** Adds the next piece of the file, in order. */
  add(chunk: Uint8Array): void {
    const at = this.kept;
    this.index.addBytes(chunk);
    if (this.keeping && (at + chunk.length <= this.keepLimit || !this.file)) {
      this.chunks.push(chunk);
      this.chunkStarts.push(at);
    } else {
      // Too big to keep: drop what was kept and read lines back from the file.
      this.keeping = false;
      this.chunks = [];
      this.chunkStarts = [];
    }
    this.kept += chunk.length;
  }

  get lines() {
    return this.index.lines;
  }

  /** Bytes [a, b) of the log. */
  private async bytes(a: number, b: number): Promise<Uint8Array> {
    if (b <= a) return new Uint8Array(0);
    if (!this.keeping) return new Uint8Array(await this.file!.slice(a, b).arrayBuffer());
    // The chunk holding `a`, by binary search over the chunk starts.
    let lo = 0;
    let hi = this.chunkStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunkStarts[mid]! <= a) lo = mid;
      else hi = mid - 1;
    }
    const first = this.chunks[lo]!;
    const offset = a - this.chunkStarts[lo]!;
    if (offset + (b - a) <= first.length) return first.subarray(offset, offset + (b - a));
    const out = new Uint8Array(b - a);
    let filled = 0;
    for (let c = lo; c < this.chunks.length && filled < out.length; c++) {
      const chunk = this.chunks[c]!;
      const from = c === lo ? offset : 0;
      const take = Math.min(chunk.length - from, out.length - filled);
      out.set(chunk.subarray(from, from + take), filled);
      filled += take;
    }
    return out;
  }

  private decode(bytes: Uint8Array, capped: boolean): { text: string; cut: boolean } {
    const s = withoutLineEnd(this.decoder.decode(bytes));
    if (s.length > VIEW_LINE) return { text: s.slice(0, VIEW_LINE), cut: true };
    return { text: s, cut: capped };
  }

  async line(n: number) {
    const [start, end] = this.index.range(n);
    const stop = Math.min(end, start + VIEW_BYTES);
    const r = this.decode(await this.bytes(start, stop), stop < end - 2);
    return { text: displayText(r.text), cut: r.cut };
  }

  async read(from: number, to: number) {
    const first = Math.max(1, from);
    const last = Math.min(to, this.lines);
    if (last < first) return [];
    const a = this.index.range(first)[0];
    const b = this.index.range(last)[1];
    const rows: ViewRow[] = [];
    // One read for the whole range unless long lines make it large; then one per line.
    if (b - a <= (last - first + 1) * 1024 + VIEW_BYTES) {
      const all = await this.bytes(a, b);
      for (let n = first; n <= last; n++) {
        const [s, e] = this.index.range(n);
        const stop = Math.min(e, s + VIEW_BYTES);
        const r = this.decode(all.subarray(s - a, stop - a), stop < e - 2);
        rows.push(row(n, r.text, r.cut));
      }
    } else {
      for (let n = first; n <= last; n++) {
        const r = await this.line(n);
        rows.push(r.cut ? { line: n, text: r.text, cutEnd: true } : { line: n, text: r.text });
      }
    }
    return rows;
  }
}
