// For an Error line no article explains: a search of the knowledge base for its words, and a
// prefilled proposal for a new article on the repository. The proposal carries the message, a
// rule pattern in which the parts that vary between runs (numbers, hex addresses, paths, IP
// addresses) are generalised, and the CRIU version; nothing else from the log. Pure, no DOM.

/** The parts of a message that differ from one run to the next, in the order they are tried. */
const VARIABLE = new RegExp(
  [
    // IPv4, with a port.
    String.raw`(?<ip4>(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?![\w.]))`,
    // IPv6: hex groups with "::" or at least three colons.
    String.raw`(?<ip6>(?<![\w:])(?=[0-9A-Fa-f:]*::|(?:[0-9A-Fa-f]{1,4}:){3})(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:]))`,
    // Absolute paths (and ~/ or ./ ones).
    String.raw`(?<path>(?<![\w/.~-])(?:~|\.{1,2})?/[^\s'"\x60,;()\[\]{}<>]*)`,
    // 0x-prefixed hex, and bare hex of six digits or more with both a digit and a letter.
    String.raw`(?<hex>\b0x[0-9A-Fa-f]+\b|\b(?=[0-9A-Fa-f]*\d)(?=[0-9A-Fa-f]*[A-Fa-f])[0-9A-Fa-f]{6,}\b)`,
    // Numbers, negative ones and dotted ones (versions); not the digits inside a word (x86_64).
    String.raw`(?<num>(?<![\w.])-?\d+(?:\.\d+)*(?!\w))`,
  ].join("|"),
  "g",
);

export type Piece = { text: string; kind: "text" | "ip4" | "ip6" | "path" | "hex" | "num" };

/** Splits a message into literal text and the variable parts. */
export function pieces(message: string): Piece[] {
  const out: Piece[] = [];
  let last = 0;
  for (const m of message.matchAll(VARIABLE)) {
    const groups = m.groups ?? {};
    const kind = (Object.keys(groups).find((k) => groups[k] !== undefined) ?? "num") as Piece["kind"];
    let text = m[0];
    const index = m.index;
    // A path ends before the punctuation that follows it ("... /dev/tty1: No such ...").
    if (kind === "path") text = text.replace(/[:.,!?]+$/, "");
    if (!text || text === "/") continue;
    if (index > last) out.push({ text: message.slice(last, index), kind: "text" });
    out.push({ text, kind });
    last = index + text.length;
  }
  if (last < message.length) out.push({ text: message.slice(last), kind: "text" });
  return out;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&").replace(/\t/g, "\\t");

/** A rule pattern for the message: literal text kept, the variable parts generalised. */
export function proposePattern(message: string): string {
  const parts = pieces(message);
  return parts
    .map((p, i) => {
      switch (p.kind) {
        case "text":
          return escapeRegex(p.text);
        case "ip4":
          return String.raw`\d{1,3}(?:\.\d{1,3}){3}` + (p.text.includes(":") ? String.raw`:\d+` : "");
        case "ip6":
          return "[0-9a-fA-F:]+";
        case "path":
          return i === parts.length - 1 ? String.raw`\S+` : String.raw`\S+?`;
        case "hex":
          return p.text.startsWith("0x") ? "0x[0-9a-f]+" : "[0-9a-f]+";
        case "num":
          return p.text.includes(".") ? String.raw`\d+(?:\.\d+)+` : String.raw`-?\d+`;
      }
    })
    .join("");
}

/** The words of a message, without its variable parts: what to search the articles for. */
export function searchTerms(message: string, maxWords = 8): string {
  const words = pieces(message)
    .filter((p) => p.kind === "text")
    .map((p) => p.text)
    .join(" ")
    .replace(/[^\w'-]+/g, " ")
    .split(" ")
    .filter((w) => /[A-Za-z]{2}/.test(w));
  return words.slice(0, maxWords).join(" ");
}

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** A code fence longer than any run of backticks in `text`: the text cannot close it and turn the
 *  rest of the log line into Markdown (links, images, mentions) in the issue. */
const fence = (text: string) => "`".repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));

/** The new-issue page of `repository` with the proposal's title and body filled in. */
export function proposalUrl(repository: string, message: string, version: string | null): string {
  const text = clip(message, 400);
  const pattern = proposePattern(text);
  const rule = `  - pattern: '${pattern.replace(/'/g, "''")}'`;
  const body = [
    "**An Error line the checker did not explain**",
    "",
    fence(text),
    text,
    fence(text),
    "",
    "**Proposed rule** (numbers, hex addresses, paths and IP addresses generalised):",
    "",
    `${fence(rule)}yaml`,
    "match:",
    rule,
    "    tag: error",
    fence(rule),
    "",
    `**CRIU version:** ${version ?? "not stated in the log"}`,
    "",
    "<!-- Only this message was taken from the log. What caused it, and what fixed it? -->",
  ].join("\n");
  const title = `New article: ${clip(message, 90)}`;
  return `${repository.replace(/\/+$/, "")}/issues/new?title=${encodeURIComponent(title)}&body=${encodeURIComponent(body)}`;
}
