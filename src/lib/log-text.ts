// A log line reduced to its message: what the message index shows and what search looks for.
// Shared by the pages (at build time) and the search page (in the browser); the engine's own
// normalisation and line grammar do the work, this only adds the prefixes wrapper tools write.
import { parseLine } from "../../rules/log-line.ts";
import { logicalLines } from "../../rules/normalize.ts";

// Prefixes that wrappers put before an untagged message and that parseLine keeps: logrus fields
// (`time="..." level=error msg=`), logrus text (`ERRO[0000] `), klog, ISO and syslog stamps.
const WRAPPER_PREFIX = [
  /^(?:time="[^"]*"\s+)?level=\w+\s+msg=/,
  /^(?:ERRO|WARN|INFO|DEBU|FATA|PANI)\[\d+\]\s+/,
  /^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [\w.-]+:\d+\]\s*/,
  /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?:?\s+/,
  /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ [\w.@/-]+(?:\[\d+\])?:\s+/,
];

/** How many characters of wrapper prefixes stand before an untagged message. */
export function wrapperPrefixLength(text: string): number {
  let cut = 0;
  for (let again = true; again; ) {
    again = false;
    for (const re of WRAPPER_PREFIX) {
      const m = re.exec(text.slice(cut));
      if (m && m[0].length > 0) {
        cut += m[0].length;
        again = true;
      }
    }
  }
  return cut;
}

/**
 * The message of a pasted log line: `(00.012407) Error (criu/mount.c:753): mnt: 318:./x doesn't ...`
 * gives `mnt: 318:./x doesn't ...`. Text that is not a log line comes back trimmed, unchanged.
 */
export function messageOf(line: string): string {
  const logical = logicalLines(line).find((l) => l.trim()) ?? "";
  const parsed = parseLine(logical);
  let body = parsed.body;
  if (parsed.level === null) body = body.slice(wrapperPrefixLength(body));
  return body.trim().replace(/^["'`]+|["'`]+$/g, "");
}

/**
 * The same message without the values that differ from one log to the next: numbers, addresses,
 * paths and `key=value` values. `Pid 17550 do not match expected 16817` gives `Pid do not match expected`.
 */
export function withoutValues(message: string): string {
  return message
    .split(/\s+/)
    .filter((w) => !/^[-+(\[]*(?:0x[0-9a-f]+|-?\d[\d.,:/-]*|\.?\/\S*|\S*\/\S*|\S+=\S+)[)\].,:;]*$/i.test(w))
    .join(" ")
    .trim();
}
