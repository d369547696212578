// Turns one physical input line into the CRIU log lines it holds. People paste logs coloured by
// a terminal, quoted in an e-mail or issue (`> `), or escaped inside a JSON string by logrus,
// journald or a kubelet event (`msg="criu failed...\nlog file: ..."`); the rules should see the
// plain CRIU line in every case. Line numbers stay those of the physical input.

// CSI sequences (colours, cursor moves) and OSC sequences (terminal titles, hyperlinks).
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g;
// Other C0 controls except tab, DEL and the C1 controls (a terminal reads U+009B as CSI). Those
// before a line's text go (NUL padding must not hide a tag); the others become U+FFFD, as bytes
// that are not UTF-8 do, so no report can drive the terminal. Neither removal nor U+FFFD can
// join text into a rule's literal (no literal holds U+FFFD or starts with a blank): the bulk
// scanner can therefore skip a line holding controls as long as it holds no literal.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
const HAS_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
const LEADING = /^[\s\x00-\x08\x0b-\x1f\x7f-\x9f]+/;
// A JSON or Go-quoted string's escapes.
const JSON_ESCAPE = /\\(["\\/bfnrt]|u[0-9a-fA-F]{4})/g;

/** The sources of the regexes above, which run on every line: checked for ReDoS (check-redos.ts). */
export const NORMALIZE_PATTERNS: readonly string[] = [ANSI.source, CONTROL.source, LEADING.source, JSON_ESCAPE.source];

/** Longest line kept whole; the rest of a longer line is not looked at (CRIU lines are short). */
export const MAX_LINE = 16 * 1024;

/** Controls before the text removed, the others replaced by U+FFFD. */
function withoutControls(line: string): string {
  if (!HAS_CONTROL.test(line)) return line;
  const lead = LEADING.exec(line)?.[0] ?? "";
  return lead.replace(CONTROL, "") + line.slice(lead.length).replace(CONTROL, "\uFFFD");
}

function unescapeJson(s: string): string {
  return s.replace(JSON_ESCAPE, (_, c: string) => {
    switch (c[0]) {
      case "n":
        return "\n";
      case "t":
        return "\t";
      case "r":
        return "";
      case "b":
      case "f":
        return "";
      case "u":
        return String.fromCharCode(parseInt(c.slice(1), 16));
      default:
        return c;
    }
  });
}

/**
 * The logical lines of one physical line. Usually exactly one: the line itself, with colour
 * codes and control characters removed. A line carrying JSON-escaped newlines is split.
 */
export function logicalLines(physical: string): string[] {
  let line = physical.length > MAX_LINE ? physical.slice(0, MAX_LINE) : physical;
  if (line.includes("\x1b")) line = line.replace(ANSI, "");
  line = withoutControls(line);
  // logrus (runc, Podman, containerd): `time="..." level=error msg="..."`. The message is a quoted
  // string; drop its quotes and undo its escapes, keeping what stands around it.
  const msg = line.indexOf(' msg="');
  if (msg >= 0) {
    const start = msg + 6;
    let end = start;
    while (end < line.length && line[end] !== '"') end += line[end] === "\\" ? 2 : 1;
    line = line.slice(0, start - 1) + unescapeJson(line.slice(start, end)) + line.slice(end + 1);
    return line.split("\n").map(withoutControls);
  }
  // `\n` or `\"` written as two characters: the line is an escaped string (JSON, a Go error
  // quoted with %q) holding one or several log lines.
  if (line.includes("\\n") || line.includes('\\"')) {
    return unescapeJson(line)
      .split("\n")
      .map(withoutControls);
  }
  return [line];
}
