// The first half of the engine's bytes path. From a piece of whole lines, collectLines finds the
// lines worth a look (those holding a trigger literal or a byte that forces a read) and records
// each as (start, end, kinds, newlines before it); every other line is only counted. The second
// half, walkLines in engine.ts, decides line by line what to do with the records, as only it
// knows the diagnosis so far. Collecting needs none of that state: it runs a whole piece ahead of
// the walk, and the per-hit work (line bounds, newline counts) stays out of the walk's loop.
import type { HitScanner } from "./hit-scanner.js";

/** What a trigger literal can change: a rule's match, the version or phase, a near-condition. */
export const KIND_RULE = 1;
export const KIND_SIGNAL = 2;
export const KIND_NEAR = 4;

/** The fields of a record, in this order, RECORD apart. */
export const RECORD = 4;

/** Records of one piece: RECORD numbers each in `data`, offsets into the piece's buffer. */
export class LineRecords {
  count = 0;
  /** Newlines in the whole piece. */
  newlines = 0;
  data = new Int32Array(RECORD * 1024);

  push(start: number, end: number, kinds: number, before: number): void {
    const at = RECORD * this.count;
    if (at + RECORD > this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[at] = start;
    this.data[at + 1] = end;
    this.data[at + 2] = kinds;
    this.data[at + 3] = before;
    this.count++;
  }
}

/**
 * Collects the records of buf[from, to), whole lines, into `out` (emptied first): a line's
 * start, the index of its newline, the union of the kinds of the literals it holds (KIND_RULE
 * for an escape, a backslash or a closing `>`, which the engine must always read), and the
 * newlines in the piece before it. `kindsOfRow` turns a hit's automaton row into kinds.
 */
export function collectLines(
  buf: Uint8Array,
  from: number,
  to: number,
  scanner: HitScanner,
  kindsOfRow: (row: number) => number,
  out: LineRecords,
): void {
  out.count = 0;
  const n = scanner.scan(buf, from, to);
  const hits = scanner.hits;
  let i = 0;
  let pos = from;
  let before = 0;
  // The next escape, backslash and `>\n`, each searched again only once passed.
  let esc = -2;
  let bs = -2;
  let gt = -2;
  for (;;) {
    if (esc !== -1 && esc < pos) esc = buf.indexOf(0x1b, pos);
    if (bs !== -1 && bs < pos) bs = buf.indexOf(0x5c, pos);
    if (gt !== -1 && gt < pos) gt = indexOfGtNl(buf, pos);
    let forced = firstOf(esc, bs, gt);
    if (forced >= to) forced = -1;
    const hit = i < n ? from + hits[2 * i]! : -1;
    const at = hit < 0 ? forced : forced < 0 ? hit : Math.min(hit, forced);
    if (at < 0) break;
    const start = at > pos ? Math.max(pos, buf.lastIndexOf(10, at - 1) + 1) : pos;
    if (start > pos) before += scanner.newlines(pos - from, start - from);
    const end = buf.indexOf(10, at);
    let kinds = forced >= 0 && forced <= end ? KIND_RULE : 0;
    for (; i < n && from + hits[2 * i]! <= end; i++) kinds |= kindsOfRow(hits[2 * i + 1]!);
    out.push(start, end, kinds, before);
    before++;
    pos = end + 1;
  }
  out.newlines = before + (pos < to ? scanner.newlines(pos - from, to - from) : 0);
}

/** The smallest of the non-negative indices, or -1. */
export function firstOf(a: number, b: number, c: number): number {
  let m = -1;
  if (a >= 0) m = a;
  if (b >= 0 && (m < 0 || b < m)) m = b;
  if (c >= 0 && (m < 0 || c < m)) m = c;
  return m;
}

// Node's Buffer#indexOf is a memchr, ten times faster than a plain Uint8Array's; the bytes path
// uses a Buffer view of its input when there is a Buffer (Node), a Uint8Array otherwise.
const NodeBuffer = (globalThis as { Buffer?: { from(b: ArrayBufferLike, offset: number, length: number): Uint8Array } }).Buffer;
const GT_NL = NodeBuffer ? NodeBuffer.from(new Uint8Array([0x3e, 0x0a]).buffer, 0, 2) : null;

/** A view of b whose indexOf is fast: a Buffer in Node, else a Uint8Array. */
export function nativeView(b: Uint8Array): Uint8Array {
  return NodeBuffer ? NodeBuffer.from(b.buffer, b.byteOffset, b.length) : new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** Index of the next `>` that ends a line in buf from `from`, or -1 (a cut pie line, see continuation.ts). */
function indexOfGtNl(buf: Uint8Array, from: number): number {
  if (GT_NL) return (buf as unknown as { indexOf(v: Uint8Array, o: number): number }).indexOf(GT_NL, from);
  for (let i = buf.indexOf(0x3e, from); i >= 0; i = buf.indexOf(0x3e, i + 1)) if (buf[i + 1] === 0x0a) return i;
  return -1;
}
