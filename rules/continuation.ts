// CRIU up to 3.10 printed the messages of its restorer and parasite code ("pie") through a small
// buffer: a long message was cut into pieces, each but the last ending in `>`, and every piece was
// printed with the same `pie: N: ` prefix on a line of its own:
//
//   (00.177380) pie: 37: Error (criu/pie/restorer.c:1108): Unable to unmap (0x7fff>
//   (00.177380) pie: 37: aff70000-0x400000000000): -22
//
// The joiner puts such pieces back together, so that rules see the whole message. The joined line
// keeps the number of its first piece.

// The pie prefix: optional timestamp and pid column, `pie:` and the optional task number.
const PIE = /^\s*(?:\(\s*\d+\.\d+\)\s*)?(?:\d+:\s+)?(pie:\s*(?:\d+:\s*)?)/;

// A piece that starts with a level tag is a new message, not the rest of the previous one.
const NEW_MESSAGE = /^(?:Error|Warn)\s+\(/;

export class PieJoiner {
  private held: { text: string; line: number; key: string } | null = null;

  constructor(private readonly emit: (text: string, line: number) => void) {}

  /** True while a cut line waits for the next one: the caller must not skip that line. */
  get waiting(): boolean {
    return this.held !== null;
  }

  push(text: string, line: number): void {
    const m = text.includes("pie:") ? PIE.exec(text) : null;
    const key = m ? m[1]!.replace(/\s+/g, " ").trim() : null;
    if (this.held) {
      const held = this.held;
      this.held = null;
      if (key !== null && key === held.key && !NEW_MESSAGE.test(text.slice(m![0].length))) {
        // A continuation: the rest of this line goes where the `>` was.
        this.push(held.text.slice(0, -1) + text.slice(m![0].length), held.line);
        return;
      }
      this.emit(held.text, held.line);
    }
    if (key !== null && text.endsWith(">") && !text.endsWith("->")) this.held = { text, line, key };
    else this.emit(text, line);
  }

  /** Emits a cut line whose continuation never came. */
  flush(): void {
    if (this.held) {
      this.emit(this.held.text, this.held.line);
      this.held = null;
    }
  }
}
