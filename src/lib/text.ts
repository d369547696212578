// Small text helpers shared by the pages (at build time) and the checker (in the browser).

/** A piece of prose: plain text, or a CRIU option such as `--tcp-established`. */
export interface TextPart {
  text: string;
  option?: boolean;
}

const OPTION = /(?<![\w-])--[a-z][a-z0-9-]*[a-z0-9]/g;

/** Splits prose so that options can be shown as code that never breaks after its dashes. */
export function splitOptions(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(OPTION)) {
    if (m.index > last) parts.push({ text: text.slice(last, m.index) });
    parts.push({ text: m[0], option: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** A piece of a fix command: literal text, or a `{name}` placeholder (with its value when known). */
export interface CommandPart {
  text: string;
  /** The placeholder's name; `text` is the captured value when `filled`, else `{name}`. */
  name?: string;
  filled?: boolean;
}

/** Splits `ps -p {expected}` at its placeholders and fills in the values that were captured. */
export function commandParts(command: string, captures: Record<string, string> = {}): CommandPart[] {
  const parts: CommandPart[] = [];
  let last = 0;
  for (const m of command.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    const name = m[1]!;
    const value = captures[name];
    if (m.index > last) parts.push({ text: command.slice(last, m.index) });
    parts.push(value === undefined ? { text: m[0], name, filled: false } : { text: value, name, filled: true });
    last = m.index + m[0].length;
  }
  if (last < command.length) parts.push({ text: command.slice(last) });
  return parts;
}
