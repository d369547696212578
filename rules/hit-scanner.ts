// Finds every trigger literal in a piece of bytes in one call, for the engine's bytes path
// (collectLines in line-collector.ts). Two implementations of one interface:
// - WasmHitScanner runs the automaton of scanner.ts in WebAssembly (bulk-scan.wat), eight
//   streams of input at once on a full piece: ~0.45 ns a byte, against ~3 for findBytes;
// - JsHitScanner loops over Automaton.findBytes: where WebAssembly is missing, and as the
//   reference the tests compare the other with.
import { bulkScanWasm } from "./generated/bulk-scan-wasm.js";
import type { Automaton } from "./scanner.js";

export interface HitScanner {
  /** The most bytes one scan() takes. */
  readonly piece: number;
  /**
   * Finds the literals that end in buf[from, to), searching from the automaton's root (so `from`
   * starts a line), and returns the number of hits: pairs in `hits` of (offset from `from` of the
   * byte that completes a literal, the automaton's row there, for Automaton.maskOfRow), in order.
   */
  scan(buf: Uint8Array, from: number, to: number): number;
  readonly hits: Int32Array;
  /** The newlines in [from, to) of the piece last scanned, both offsets from its start. */
  newlines(from: number, to: number): number;
  /**
   * A buffer of `piece` bytes that scan() reads in place, without copying it first: input read
   * into it goes straight to the scan loop.
   */
  readBuffer(): Uint8Array;
}

/** The WebAssembly scanner where WebAssembly can run (Node, browsers), else the JavaScript one. */
export function createHitScanner(automaton: Automaton): HitScanner {
  if (typeof WebAssembly === "object") {
    try {
      return new WasmHitScanner(automaton);
    } catch {
      // Compiling WebAssembly can be forbidden (a Content-Security-Policy without
      // 'wasm-unsafe-eval'): the JavaScript loop finds the same hits, only slower.
    }
  }
  return new JsHitScanner(automaton);
}

export class JsHitScanner implements HitScanner {
  readonly piece = 1 << 20;
  hits = new Int32Array(2048);
  private buf: Uint8Array = new Uint8Array(0);
  private base = 0;

  constructor(private readonly automaton: Automaton) {}

  scan(buf: Uint8Array, from: number, to: number): number {
    const a = this.automaton;
    this.buf = buf;
    this.base = from;
    let n = 0;
    for (let pos = from, row = -1; ; ) {
      const h = a.findBytes(buf, pos, to, row);
      if (h < 0) return n;
      if (2 * n + 2 > this.hits.length) {
        const bigger = new Int32Array(this.hits.length * 2);
        bigger.set(this.hits);
        this.hits = bigger;
      }
      this.hits[2 * n] = h - from;
      this.hits[2 * n + 1] = row = a.lastRow;
      n++;
      pos = h + 1;
    }
  }

  readBuffer(): Uint8Array {
    return new Uint8Array(this.piece);
  }

  newlines(from: number, to: number): number {
    let n = 0;
    const end = this.base + to;
    for (let i = this.buf.indexOf(10, this.base + from); i >= 0 && i < end; i = this.buf.indexOf(10, i + 1)) n++;
    return n;
  }
}

interface Exports {
  memory: WebAssembly.Memory;
  streams: WebAssembly.Global;
  distance: WebAssembly.Global;
  single_row: WebAssembly.Global;
  single_out: WebAssembly.Global;
  rows: WebAssembly.Global;
  outs: WebAssembly.Global;
  table: WebAssembly.Global;
  scan1(p: number, end: number, row: number, out: number): number;
  scan8(p: number, end: number): void;
  newlines(p: number, end: number): number;
}

let compiled: WebAssembly.Module | null = null;
/** Bytes of a row in the module's table: an i32 per byte value. */
const ROW = 1024;
const ROW_SHIFT = 10;
/** See WasmHitScanner.fill. */
const WHOLE_ROWS_AFTER = 2 << 20;

export class WasmHitScanner implements HitScanner {
  readonly piece: number;
  readonly hits: Int32Array;
  private readonly x: Exports;
  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;
  private readonly table: ReturnType<Automaton["byteTable"]>;
  /** How many streams scan a full piece at once, and how far apart (bulk-scan.wat's constants). */
  readonly streams: number;
  readonly distance: number;
  /**
   * Byte addresses in the module's memory: the table; where pieces are copied; the read buffer
   * (readBuffer) that pieces are scanned in without a copy; the hits.
   */
  private readonly tableAt: number;
  private readonly input: number;
  private readonly reads: number;
  private readonly hitsAt: number;
  /** Where the piece last scanned starts. */
  private base = 0;
  /** Memory slots (i32 indices) the loops keep their state in: scan1's row and hit slot, scan8's rows and hit slots. */
  private readonly singleRow: number;
  private readonly singleOut: number;
  private readonly rows: number;
  private readonly outs: number;
  private readonly root: number;
  /** The automaton's alphabet classes: the width of its rows. */
  private readonly classes: number;
  /** fill()'s entries by alphabet class, and the bytes scanned so far (see fill). */
  private readonly byClass: Int32Array;
  private scanned = 0;
  /** How many times a stream of scan8 fell into the trap row and its segment was scanned again. */
  rescans = 0;
  /** Where scan1 stopped: its row and next hit slot. */
  private row = 0;
  private out = 0;
  /** Offsets in the piece of the first newline after each stream's start (scanStreams). */
  private readonly joins: Int32Array;

  constructor(automaton: Automaton) {
    compiled ??= new WebAssembly.Module(bulkScanWasm);
    this.x = new WebAssembly.Instance(compiled, {}).exports as unknown as Exports;
    const t = (this.table = automaton.byteTable());
    this.streams = this.x.streams.value as number;
    this.distance = this.x.distance.value as number;
    this.piece = this.streams * this.distance;
    this.tableAt = this.x.table.value as number;
    this.singleRow = (this.x.single_row.value as number) >> 2;
    this.singleOut = (this.x.single_out.value as number) >> 2;
    this.rows = (this.x.rows.value as number) >> 2;
    this.outs = (this.x.outs.value as number) >> 2;
    this.input = align(this.tableAt + ROW * (t.size / t.classes), 16);
    this.reads = align(this.input + this.piece, 16);
    this.hitsAt = align(this.reads + this.piece, 16);
    // Room for a hit at every byte: two pieces' worth of pairs, as scanStreams gives each stream
    // up to two segments' worth.
    const hitBytes = 2 * this.piece * 8;
    const pages = Math.ceil((this.hitsAt + hitBytes) / 65536);
    this.x.memory.grow(pages - this.x.memory.buffer.byteLength / 65536);
    const buffer = this.x.memory.buffer;
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.hits = new Int32Array(buffer, this.hitsAt, hitBytes / 4);
    this.classes = t.classes;
    this.root = this.address(t.root);
    this.joins = new Int32Array(this.streams);
    this.byClass = new Int32Array(t.classes);
  }

  /**
   * The module's address of an automaton row, and back. The automaton's rows have an entry per
   * alphabet class; the module's have one per byte value (ROW bytes), in the same order.
   */
  private address(row: number): number {
    return this.tableAt + ROW * (row / this.classes);
  }
  private rowOf(address: number): number {
    // Integer operations only: it runs for every hit.
    return ((address - this.tableAt) >> ROW_SHIFT) * this.classes;
  }

  /**
   * Works out the unknown transition of the state at `row` (an address) on the byte at `at`. Past
   * the scanner's first 2 MiB it works out the state's whole row instead: a state met that late is
   * likely met again, each time making a stream of scan8 fall into its trap row and its segment be
   * scanned again. On the 100 MiB bench log: 67 segments scanned again with single entries
   * throughout, 46 this way, 14 with whole rows from the start, which cost ~20 ms more on the
   * first MiB than they save.
   */
  private fill(row: number, at: number): void {
    const { classOf } = this.table;
    const base = row >> 2;
    if (this.scanned < WHOLE_ROWS_AFTER) {
      const byte = this.u8[at]!;
      if (this.i32[base + byte] === 0) this.i32[base + byte] = this.entryAt(row, classOf[byte]!);
      return;
    }
    const byClass = this.byClass.fill(0);
    for (let b = 0; b < 256; b++) {
      if (this.i32[base + b] !== 0) continue;
      const c = classOf[b]!;
      if (byClass[c] === 0) byClass[c] = this.entryAt(row, c);
      this.i32[base + b] = byClass[c]!;
    }
  }

  /** The module's table entry for the state at `row` (an address) on alphabet class c. */
  private entryAt(row: number, c: number): number {
    const e = this.table.entry(this.rowOf(row), c);
    return e < 0 ? ~this.address(~e) : this.address(e);
  }

  /** scan1 over [p, end) from `row`, filling what it stops on; leaves its row and slot in row/out. */
  private run1(p: number, end: number, row: number, out: number): void {
    for (;;) {
      p = this.x.scan1(p, end, row, out);
      row = this.i32[this.singleRow]!;
      out = this.i32[this.singleOut]!;
      if (p >= end) break;
      this.fill(row, p);
    }
    this.row = row;
    this.out = out;
  }

  readBuffer(): Uint8Array {
    return this.u8.subarray(this.reads, this.reads + this.piece);
  }

  scan(buf: Uint8Array, from: number, to: number): number {
    const length = to - from;
    if (length > this.piece) throw new RangeError(`a piece of ${length} bytes is over ${this.piece}`);
    if (buf.buffer === this.u8.buffer && buf.byteOffset >= this.reads && buf.byteOffset + to <= this.reads + this.piece) {
      this.base = buf.byteOffset + from; // in the read buffer already
    } else {
      this.base = this.input;
      this.u8.set(buf.subarray(from, to), this.input);
    }
    const base = this.base;
    this.scanned += length;
    let n: number;
    if (length >= this.piece - (this.distance >> 1) && this.findJoins(buf, from, length)) n = this.scanStreams(length);
    else {
      this.run1(base, base + length, this.root, this.hitsAt);
      n = (this.out - this.hitsAt) >> 3;
    }
    const hits = this.hits;
    for (let i = 0; i < 2 * n; i += 2) {
      hits[i] = hits[i]! - base;
      hits[i + 1] = this.rowOf(hits[i + 1]!);
    }
    return n;
  }

  /**
   * Stream k starts at k * distance, in the middle of a line, from the root: it may miss a
   * literal that began before. So each stream but the last reads on past its segment to the end
   * of that line (joins[k + 1]), with its own state, and the next stream's hits up to there are
   * dropped. False when some segment holds no newline (a line longer than a segment).
   */
  private findJoins(buf: Uint8Array, from: number, length: number): boolean {
    for (let k = 1; k < this.streams; k++) {
      const nl = buf.indexOf(10, from + k * this.distance) - from;
      if (nl < 0 || nl >= Math.min((k + 1) * this.distance, length)) return false;
      this.joins[k] = nl;
    }
    return true;
  }

  private scanStreams(length: number): number {
    const { x, i32, streams, distance, base, rows, outs } = this;
    const region = 2 * distance * 8; // bytes of hits each stream may write
    for (let k = 0; k < streams; k++) {
      i32[rows + k] = this.root;
      i32[outs + k] = this.hitsAt + k * region;
    }
    // In step while every stream has bytes left: the last one's segment is the shortest.
    const steps = length - (streams - 1) * distance;
    const end = base + steps;
    x.scan8(base, end);
    for (let k = 0; k < streams; k++) {
      let row = i32[rows + k]!;
      let out = i32[outs + k]!;
      if (row === 0) {
        // The stream met a state the scanner had not entered before and fell into the trap row:
        // its hits are dropped and its segment scanned again, one stream, filling the table.
        this.rescans++;
        this.run1(base + k * distance, end + k * distance, this.root, this.hitsAt + k * region);
        row = this.row;
        out = this.out;
      }
      // All but the last go on to the end of the line that runs into the next segment.
      if (k + 1 < streams) {
        this.run1(end + k * distance, base + this.joins[k + 1]! + 1, row, out);
        out = this.out;
      }
      i32[outs + k] = out;
    }
    // Stream 0's hits stay where they are; the others' follow, less those of a joined line.
    const hits = this.hits;
    let n = (i32[outs]! - this.hitsAt) >> 3;
    for (let k = 1; k < streams; k++) {
      const first = (k * region) >> 2;
      const last = (i32[outs + k]! - this.hitsAt) >> 2;
      const join = base + this.joins[k]!;
      for (let j = first; j < last; j += 2) {
        if (hits[j]! <= join) continue;
        hits[2 * n] = hits[j]!;
        hits[2 * n + 1] = hits[j + 1]!;
        n++;
      }
    }
    return n;
  }

  newlines(from: number, to: number): number {
    return this.x.newlines(this.base + from, this.base + to);
  }
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
