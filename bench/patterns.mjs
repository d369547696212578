// Exports the rule set's patterns for grep -E (POSIX ERE, GNU flavour) and rg (Rust regex), so the
// benchmark can give all three tools the same work. Patterns with look-around have no equivalent
// in either and are left out (the count is reported).
//
//   node bench/patterns.mjs OUT_DIR   -> OUT_DIR/patterns.ere, OUT_DIR/patterns.rust

const CLASS_ESCAPES_ERE = { d: "0-9", s: "[:space:]", w: "[:alnum:]_" };

/** ECMAScript regex source -> GNU ERE, or null when ERE cannot express it. */
export function toEre(src) {
  if (/\(\?<?[=!]/.test(src) || /\\[1-9kpPu]/.test(src)) return null;
  let out = "";
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") {
      const n = src[++i];
      if (inClass) {
        if (n in CLASS_ESCAPES_ERE) out += CLASS_ESCAPES_ERE[n];
        else if (n === "]" || n === "\\") return null; // not portable inside an ERE bracket
        else if (n === "-") out += "-";
        else out += n;
        continue;
      }
      if (n === "d") out += "[0-9]";
      else if (n === "D") out += "[^0-9]";
      else if (n === "s") out += "[[:space:]]";
      else if (n === "S") out += "[^[:space:]]";
      else if (n === "w") out += "[[:alnum:]_]";
      else if (n === "W") out += "[^[:alnum:]_]";
      else if (n === "b" || n === "B") out += "\\" + n;
      else if (n === "t") out += "\t";
      else if (n === "x") {
        out += String.fromCharCode(parseInt(src.slice(i + 1, i + 3), 16));
        i += 2;
      } else if (/[.*+?^${}()|[\]\\/]/.test(n)) out += n === "/" ? "/" : "\\" + n;
      else out += n;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      if (src[i + 1] === "^") out += src[++i];
      if (src[i + 1] === "]") out += src[++i];
      continue;
    }
    if (c === "(" && src[i + 1] === "?") {
      const m = /^\(\?(?::|<[A-Za-z_]\w*>)/.exec(src.slice(i));
      if (!m) return null;
      out += "(";
      i += m[0].length - 1;
      continue;
    }
    // Lazy quantifiers become greedy: the same lines match.
    if (c === "?" && /[*+?}]/.test(src[i - 1] ?? "") && src[i - 2] !== "\\") continue;
    out += c;
  }
  return out.replace(/^\^/, "");
}

/** ECMAScript regex source -> Rust regex (ripgrep 13), or null. */
export function toRust(src) {
  if (/\(\?<?[=!]/.test(src) || /\\[1-9kpPu]/.test(src)) return null;
  // ripgrep joins all patterns into one regex, where repeated group names clash: drop the names.
  return src.replace(/\(\?<([A-Za-z_]\w*)>/g, "(").replace(/\\\//g, "/").replace(/^\^/, "");
}

export async function exportPatterns(outDir) {
  const { writeFileSync, mkdirSync } = await import("node:fs");
  const { ruleset } = await import("../lib/generated/ruleset.js");
  mkdirSync(outDir, { recursive: true });
  const ere = [];
  const rust = [];
  let skipped = 0;
  for (const r of ruleset.rules) {
    const e = toEre(r.pattern);
    const x = toRust(r.pattern);
    if (e === null || x === null) {
      skipped++;
      continue;
    }
    ere.push(e);
    rust.push(x);
  }
  writeFileSync(`${outDir}/patterns.ere`, ere.join("\n") + "\n");
  writeFileSync(`${outDir}/patterns.rust`, rust.join("\n") + "\n");
  return { count: ere.length, skipped };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2] ?? "bench/data";
  const { count, skipped } = await exportPatterns(out);
  console.log(`${count} patterns written to ${out}/patterns.{ere,rust}; ${skipped} with look-around left out`);
}
