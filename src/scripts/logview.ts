// The log view: the whole log, scrollable, with only the rows in sight in the page. The log stays
// in the worker; the view asks for blocks of lines as they come into sight and keeps a few of them.
// A log of millions of lines is as fast to scroll as a short one: the scroll height is capped and
// the scroll position mapped onto the line numbers.
import { formatCount, h } from "./dom.ts";
import { markInLine } from "./logstore.ts";
import type { ViewRow } from "./protocol.ts";

/** Lines fetched at a time, and blocks kept. */
const BLOCK = 200;
const KEEP_BLOCKS = 60;
/** Rows drawn above and below the visible ones. */
const OVERSCAN = 8;
/** Tallest spacer; beyond it the scroll position is scaled (browsers cap element heights). */
const MAX_HEIGHT = 4_000_000;

/** How a line is marked in the view: a finding's line, an unexplained Error line. */
export interface LineMark {
  kind: "cause" | "symptom" | "unmatched";
  /** What the finding matched, to mark it within the line. */
  text?: string;
  span?: [number, number];
}

export interface LogViewParts {
  section: HTMLElement;
  scroller: HTMLElement;
  meta: HTMLElement;
  goto: HTMLFormElement;
  gotoInput: HTMLInputElement;
}

export class LogView {
  private job = 0;
  private total = 0;
  private rowHeight = 20;
  private height = 0;
  private blocks = new Map<number, ViewRow[]>();
  private pending = new Set<number>();
  private marks = new Map<number, LineMark>();
  private target = 0;
  /** The row height and the spacer are set for the current log. */
  private measured = false;
  /** Scroll sideways to the target's match once its row has arrived. */
  private reveal = false;
  private frame = 0;
  private readonly spacer: HTMLElement;
  private readonly rows: HTMLElement;

  constructor(
    private readonly parts: LogViewParts,
    /** Asks the worker for lines; the answer comes back through receive(). */
    private readonly request: (job: number, from: number, count: number) => void,
  ) {
    this.rows = h("div", { class: "ck-log__rows" });
    this.spacer = h("div", { class: "ck-log__spacer" }, this.rows);
    parts.scroller.replaceChildren(this.spacer);
    parts.scroller.addEventListener("scroll", () => this.schedule(), { passive: true });
    parts.scroller.addEventListener("keydown", (e) => this.onKey(e));
    new ResizeObserver(() => this.schedule()).observe(parts.scroller);
    parts.goto.addEventListener("submit", (e) => {
      e.preventDefault();
      const n = Number(parts.gotoInput.value);
      if (Number.isInteger(n) && n >= 1 && n <= this.total) this.show(n, true);
      else parts.gotoInput.setCustomValidity(`Line numbers go from 1 to ${formatCount(this.total)}.`);
      parts.gotoInput.reportValidity();
    });
    parts.gotoInput.addEventListener("input", () => parts.gotoInput.setCustomValidity(""));
  }

  /** Shows the log of `job`, `lines` long; `marks` are the lines the report names. */
  open(job: number, lines: number, marks: Map<number, LineMark>) {
    this.job = job;
    this.total = lines;
    this.marks = marks;
    this.blocks.clear();
    this.pending.clear();
    this.target = 0;
    this.measured = false;
    this.parts.section.hidden = lines === 0;
    this.parts.meta.textContent = `${formatCount(lines)} ${lines === 1 ? "line" : "lines"}`;
    this.parts.gotoInput.max = String(lines);
    this.parts.scroller.style.setProperty("--digits", String(String(lines).length));
    // Sized and drawn in the next frame: measuring now would force a layout of the whole page
    // in the same task that put the results in.
    this.schedule();
  }

  close() {
    this.job = 0;
    this.measured = false;
    this.total = 0;
    this.blocks.clear();
    this.pending.clear();
    this.rows.replaceChildren();
    this.parts.section.hidden = true;
  }

  get lines() {
    return this.total;
  }

  /** Lines `from...` of `job` arrived from the worker. */
  receive(job: number, from: number, rows: ViewRow[]) {
    if (job !== this.job) return;
    const block = Math.floor((from - 1) / BLOCK);
    this.pending.delete(block);
    this.blocks.set(block, rows);
    while (this.blocks.size > KEEP_BLOCKS) this.blocks.delete(this.blocks.keys().next().value!);
    this.schedule();
  }

  /** Scrolls line `line` into the middle of the view, marks it and, with `focus`, focuses the view. */
  show(line: number, focus = false) {
    this.target = line;
    this.reveal = true;
    this.parts.section.hidden = false;
    if (!this.measured) this.measure();
    const visible = this.visibleRows();
    this.setTop(Math.max(0, line - 1 - Math.floor(visible / 2)));
    this.render();
    if (focus) {
      this.parts.scroller.focus({ preventScroll: true });
      this.parts.section.scrollIntoView({ block: "nearest" });
    }
  }

  private measure() {
    this.measured = true;
    const probe = h("div", { class: "ck-row" }, h("span", { class: "ck-row__n" }, "1"), h("span", { class: "ck-row__t" }, "x"));
    this.rows.replaceChildren(probe);
    this.rowHeight = probe.getBoundingClientRect().height || 20;
    this.rows.replaceChildren();
    this.height = Math.min(this.total * this.rowHeight, MAX_HEIGHT);
    this.spacer.style.height = `${this.height}px`;
    // A short log gets a short view.
    this.parts.scroller.style.height = `min(32rem, 70vh, ${Math.ceil(this.total * this.rowHeight) + 20}px)`;
    this.parts.scroller.scrollTop = 0;
    this.parts.scroller.scrollLeft = 0;
  }

  private visibleRows() {
    return Math.max(1, Math.floor(this.parts.scroller.clientHeight / this.rowHeight));
  }

  /** The first visible line (0-based, fractional) for the current scroll position. */
  private topLine(): number {
    const view = this.parts.scroller.clientHeight;
    const natural = this.total * this.rowHeight;
    const top = this.parts.scroller.scrollTop;
    if (natural <= MAX_HEIGHT) return top / this.rowHeight;
    const range = Math.max(1, this.height - view);
    return (Math.min(top, range) / range) * Math.max(0, this.total - view / this.rowHeight);
  }

  private setTop(line: number) {
    const view = this.parts.scroller.clientHeight;
    const natural = this.total * this.rowHeight;
    const last = Math.max(0, this.total - view / this.rowHeight);
    const l = Math.min(Math.max(0, line), last);
    this.parts.scroller.scrollTop =
      natural <= MAX_HEIGHT ? l * this.rowHeight : (l / Math.max(1, last)) * Math.max(0, this.height - view);
  }

  private onKey(e: KeyboardEvent) {
    if (e.altKey || e.metaKey) return;
    const visible = this.visibleRows();
    const top = Math.round(this.topLine());
    const moves: Record<string, number> = {
      ArrowDown: top + 1,
      ArrowUp: top - 1,
      PageDown: top + visible - 1,
      PageUp: top - visible + 1,
      " ": e.shiftKey ? top - visible + 1 : top + visible - 1,
      Home: 0,
      End: this.total,
    };
    if (!(e.key in moves) || (e.ctrlKey && e.key !== "Home" && e.key !== "End")) return;
    e.preventDefault();
    this.setTop(moves[e.key]!);
    this.render();
  }

  private schedule() {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.render());
  }

  private row(n: number): ViewRow | undefined {
    const block = Math.floor((n - 1) / BLOCK);
    const rows = this.blocks.get(block);
    if (rows) return rows[n - 1 - block * BLOCK];
    if (!this.pending.has(block)) {
      this.pending.add(block);
      this.request(this.job, block * BLOCK + 1, BLOCK);
    }
    return undefined;
  }

  private render() {
    this.frame = 0;
    if (!this.total || this.parts.section.hidden) return;
    if (!this.measured) this.measure();
    const first = this.topLine();
    const start = Math.max(0, Math.floor(first) - OVERSCAN);
    const end = Math.min(this.total, Math.ceil(first) + this.visibleRows() + 1 + OVERSCAN);
    const out: HTMLElement[] = [];
    for (let i = start; i < end; i++) {
      const n = i + 1;
      const data = this.row(n);
      const mark = this.marks.get(n);
      const classes = ["ck-row"];
      if (mark) classes.push(`ck-row--${mark.kind}`);
      if (n === this.target) classes.push("ck-row--target");
      if (!data) classes.push("ck-row--loading");
      let text: (Node | string)[] = [data?.text ?? ""];
      if (data && mark?.text !== undefined && mark.span) {
        const m = markInLine(data.text, { text: mark.text, span: mark.span });
        if (m && m[1] <= data.text.length)
          text = [data.text.slice(0, m[0]), h("mark", null, data.text.slice(m[0], m[1])), data.text.slice(m[1])];
      }
      out.push(
        h(
          "div",
          { class: classes.join(" "), "data-line": String(n) },
          h("span", { class: "ck-row__n" }, String(n)),
          h("span", { class: "ck-row__t" }, ...text, data?.cutEnd ? h("span", { class: "ck-cut", title: "The rest of this line is not shown" }, "…") : null),
        ),
      );
    }
    this.rows.style.transform = `translateY(${this.parts.scroller.scrollTop - (first - start) * this.rowHeight}px)`;
    this.rows.replaceChildren(...out);
    if (this.reveal) this.revealTarget();
  }

  /** Brings the target line's match (or its start) into view sideways. */
  private revealTarget() {
    const row = this.rows.querySelector<HTMLElement>(".ck-row--target:not(.ck-row--loading)");
    if (!row) return;
    this.reveal = false;
    const scroller = this.parts.scroller;
    const mark = row.querySelector("mark");
    const gutter = row.querySelector<HTMLElement>(".ck-row__n")?.offsetWidth ?? 0;
    if (!mark) return void (scroller.scrollLeft = 0);
    const left = mark.getBoundingClientRect().left - row.getBoundingClientRect().left;
    const width = mark.getBoundingClientRect().width;
    const view = scroller.clientWidth - gutter;
    if (left - gutter >= scroller.scrollLeft && left + width - gutter <= scroller.scrollLeft + view) return;
    scroller.scrollLeft = Math.max(0, left - gutter - 16);
  }
}
