// A link that reopens a diagnosis. The URL fragment carries, for each finding, its article id, its
// line number and the values the rule captured, and the path of CRIU's log a wrapper named; never
// the log. A fragment is not sent to the server either. It reads as what it holds:
//
//   #f=pid-mismatch,11,got=17550,expected=16817&f=runc-criu-failed,14,s,type=NOTIFY&log=/run/runc/x/dump.log
//
// (`s` marks a symptom; values are percent-encoded, `/` and `:` left as they are). Whatever a link
// holds is checked here: it comes from whoever made the link. Pure, no DOM.
import type { ReportFinding, SharedDiagnosis, SharedFinding } from "./protocol.ts";

/** At most this many findings and values are put into a link, and values are cut to VALUE. */
const MAX_FINDINGS = 20;
const MAX_CAPTURES = 12;
const VALUE = 300;

const ID = /^[a-z0-9][a-z0-9-]{0,79}$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;

/** Percent-encodes a value, leaving the characters of paths readable. */
const encode = (value: string) =>
  encodeURIComponent(value.slice(0, VALUE)).replace(/%(2F|3A|40)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

function decode(value: string): string | null {
  try {
    return decodeURIComponent(value).slice(0, VALUE);
  } catch {
    return null;
  }
}

/** The fragment (without `#`) for a report's findings. */
export function shareFragment(findings: readonly ReportFinding[], logPath: string | null): string {
  const parts = findings.slice(0, MAX_FINDINGS).map((x) => {
    const fields = [x.id, String(x.line)];
    if (x.role === "symptom") fields.push("s");
    for (const [k, v] of Object.entries(x.captures).slice(0, MAX_CAPTURES)) if (NAME.test(k)) fields.push(`${k}=${encode(v)}`);
    return `f=${fields.join(",")}`;
  });
  if (logPath) parts.push(`log=${encode(logPath)}`);
  return parts.join("&");
}

/** The shared diagnosis in a location hash, or null when there is none or it is malformed. */
export function readShare(hash: string): SharedDiagnosis | null {
  const findings: SharedFinding[] = [];
  let logPath: string | undefined;
  for (const param of hash.replace(/^#/, "").split("&")) {
    const eq = param.indexOf("=");
    if (eq < 0) continue;
    const key = param.slice(0, eq);
    const value = param.slice(eq + 1);
    if (key === "log") {
      logPath = decode(value) || undefined;
      continue;
    }
    if (key !== "f" || findings.length >= MAX_FINDINGS) continue;
    const [id, line, ...rest] = value.split(",");
    if (!id || !ID.test(id) || !line || !/^[1-9]\d{0,11}$/.test(line)) continue;
    const finding: SharedFinding = { id, line: Number(line), role: "cause", captures: {} };
    for (const field of rest) {
      if (field === "s") {
        finding.role = "symptom";
        continue;
      }
      const at = field.indexOf("=");
      const name = field.slice(0, at);
      const v = at > 0 ? decode(field.slice(at + 1)) : null;
      if (v !== null && NAME.test(name) && name !== "__proto__" && Object.keys(finding.captures).length < MAX_CAPTURES) finding.captures[name] = v;
    }
    findings.push(finding);
  }
  if (!findings.length) return null;
  return logPath ? { findings, logPath } : { findings };
}
