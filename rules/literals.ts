// Derives, from a regex source, literal strings of which every match must contain one. The engine
// uses them as a prefilter: a line that contains none of a rule's literals cannot match it, so the
// rule's regex never runs on it. Being conservative is the point: when in doubt, return [] (no
// prefilter for this rule) rather than a literal the pattern does not really require.

const MIN_LITERAL = 3;

/** Literal alternatives for `source`; [] when none can be proven. */
export function requiredLiterals(source: string): string[] {
  const branches = splitTopLevel(source);
  if (!branches) return [];
  const out: string[] = [];
  for (const branch of branches) {
    const lits = branchLiterals(branch);
    if (!lits) return [];
    out.push(...lits);
  }
  return [...new Set(out)];
}

/** Splits on top-level `|`; null when the source is too unusual to reason about. */
function splitTopLevel(source: string): string[] | null {
  const parts: string[] = [];
  let start = 0;
  for (;;) {
    const bar = findInPattern(source, start, (c, depth) => depth < 0 || (c === "|" && depth === 0));
    if (bar < 0) break;
    if (source[bar] !== "|") return null; // a `)` that closes no group
    parts.push(source.slice(start, bar));
    start = bar + 1;
  }
  parts.push(source.slice(start));
  return parts;
}

/**
 * The index of the first character of s from `start`, outside escapes and character classes,
 * for which stop(character, depth) holds; depth counts the groups open (a `)` already counted).
 */
function findInPattern(s: string, start: number, stop: (c: string, depth: number) => boolean): number {
  let depth = 0;
  let inClass = false;
  for (let i = start; i < s.length; i++) {
    const c = s[i]!;
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    if (stop(c, depth)) return i;
  }
  return -1;
}

// Escapes that stand for one fixed character.
const ESCAPED_LITERAL: Record<string, string> = { t: "\t", "/": "/", "-": "-" };

/**
 * Literals for a branch (no top-level `|`): its longest required run of characters, or, when that
 * is too short, the alternatives of a required group such as `(?:Can't read|Failed to read) x`.
 */
function branchLiterals(branch: string): string[] | null {
  let groupSet: string[] | null = null;
  const best = longestRun(branch, (set) => {
    if (!groupSet || Math.min(...set.map((l) => l.length)) > Math.min(...groupSet.map((l) => l.length))) groupSet = set;
  });
  // Prefer whichever is more selective: the single run, or the group's alternatives.
  const set = groupSet as string[] | null;
  if (best && best.length >= MIN_LITERAL && (!set || best.length >= Math.min(...set.map((l) => l.length)))) return [best];
  return set;
}

/** The longest run of characters every match of a branch (no top-level `|`) must contain in order. */
function longestRun(branch: string, onGroupSet?: (set: string[]) => void): string | null {
  let best = "";
  let run = "";
  const flush = () => {
    if (run.length > best.length) best = run;
    run = "";
  };
  for (let i = 0; i < branch.length; i++) {
    const c = branch[i]!;
    let atom: string | null = null; // the literal character this atom stands for, or null
    let end = i; // index of the atom's last character
    if (c === "\\") {
      const n = branch[i + 1];
      if (n === undefined) return null;
      end = i + 1;
      if (/[.*+?^${}()|[\]\\ ]/.test(n) || n === "'" || n === '"' || n === ":" || n === "=" || n === "!" || n === "<" || n === ">" || n === "@" || n === "#" || n === "%" || n === "&" || n === ",") atom = n;
      else if (n in ESCAPED_LITERAL) atom = ESCAPED_LITERAL[n]!;
      else if (n === "x" || n === "u" || n === "c" || n === "k" || n === "p" || n === "P") return best.length >= MIN_LITERAL ? best : null;
      else atom = null; // \d \s \w \b ...: not a fixed character
      if (n === "b" || n === "B") {
        // A word boundary has no width: it neither adds to nor breaks the run.
        i = end;
        continue;
      }
    } else if (c === "[") {
      end = classEnd(branch, i);
      if (end < 0) return null;
    } else if (c === "(") {
      end = groupEnd(branch, i);
      if (end < 0) return null;
      // A plain, capturing or named group without alternation must match its content: the longest
      // run inside it is required too (unless the group is optional, checked below).
      const inner = /^\((?:\?:|\?<[A-Za-z_]\w*>)?/.exec(branch.slice(i))![0];
      const lookaround = /^\(\?(?:[=!]|<[=!])/.test(branch.slice(i));
      const body = branch.slice(i + inner.length, end);
      const q = branch[end + 1];
      const optional = q === "?" || q === "*" || (q === "{" && /^\{0[,}]/.test(branch.slice(end + 1)));
      if (!lookaround && !optional) {
        if (splitTopLevel(body)?.length === 1) {
          const innerBest = longestRun(body, onGroupSet);
          flush();
          if (innerBest && innerBest.length > best.length) best = innerBest;
        } else if (onGroupSet) {
          const set = requiredLiterals(body);
          if (set.length) onGroupSet(set);
        }
      }
    } else if (c === "^" || c === "$") {
      i = end;
      continue;
    } else if (c === ".") {
      atom = null;
    } else if ("*+?{".includes(c)) {
      return null; // a quantifier with nothing before it: give up
    } else {
      atom = c;
    }
    // Look at the quantifier after the atom.
    const q = branch[end + 1];
    let optional = false;
    let repeated = false;
    let qEnd = end;
    if (q === "?" || q === "*") {
      optional = q !== undefined;
      qEnd = end + 1;
    } else if (q === "+") {
      repeated = true;
      qEnd = end + 1;
    } else if (q === "{") {
      const m = /^\{(\d+)(,\d*)?\}/.exec(branch.slice(end + 1));
      if (!m) return null;
      optional = m[1] === "0";
      repeated = !(m[1] === "1" && m[2] === undefined);
      qEnd = end + m[0].length;
    }
    if (branch[qEnd + 1] === "?" && qEnd !== end) qEnd++; // lazy quantifier
    if (atom === null || optional) {
      flush();
    } else {
      run += atom;
      if (repeated) flush();
    }
    i = qEnd;
  }
  flush();
  return best || null;
}

function classEnd(s: string, start: number): number {
  for (let i = start + 1; i < s.length; i++) {
    if (s[i] === "\\") i++;
    else if (s[i] === "]" && i > start + 1) return i;
  }
  return -1;
}

function groupEnd(s: string, start: number): number {
  return findInPattern(s, start, (c, depth) => c === ")" && depth === 0);
}
