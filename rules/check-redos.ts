// The ReDoS check on its own: every match and near pattern of the articles, and the engine's own
// line grammar, through recheck (see redos.ts).
//   npm run check:redos                                  every article
//   npm run check:redos -- content/failures/<id>.mdx ... some articles
// Prints one line per refused pattern (`file: match[i].pattern: reason`) and exits 1 if any.
// Verdicts are cached by pattern: a first run takes minutes, later ones only check what changed.
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { loadArticles } from "./build-rules.js";
import { checkRegexSafety, type ArticleSource } from "./compile.js";
import { LINE_PATTERNS } from "./log-line.js";
import { NORMALIZE_PATTERNS } from "./normalize.js";
import { recheckBackend } from "./redos.js";

const root = resolve(import.meta.dirname, "..");

export function enginePatterns(): { file: string; field: string; pattern: string }[] {
  return [
    ...LINE_PATTERNS.map((p) => ({ file: "rules/log-line.ts", field: `/${p}/`, pattern: p })),
    ...NORMALIZE_PATTERNS.map((p) => ({ file: "rules/normalize.ts", field: `/${p}/`, pattern: p })),
  ];
}

async function main() {
  const args = process.argv.slice(2);
  const sources: ArticleSource[] = args.length
    ? args.map((a) => ({ path: relative(root, resolve(a)), text: readFileSync(resolve(a), "utf8") }))
    : loadArticles();
  const t0 = performance.now();
  let checked = 0;
  let cached = 0;
  const progress = process.stderr.isTTY;
  const onVerdict = (_p: string, _v: unknown, info: { cached: boolean }) => {
    if (info.cached) cached++;
    else if (++checked && progress) process.stderr.write(`\rchecking with recheck (${recheckBackend()}): ${checked} patterns`);
  };
  // Every article (no arguments): the engine's own regexes run on every line of every log and must
  // be linear too, and the verdict file is pruned to the patterns that exist now.
  const all = !args.length;
  const engine = all ? enginePatterns() : [];
  const problems = (await checkRegexSafety(sources, { onVerdict, prune: all }, engine)).map((e) => e.message);
  if (progress && checked) process.stderr.write("\n");
  for (const p of problems) console.error(p);
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`${problems.length ? `${problems.length} pattern(s) refused` : "all patterns linear"}: ${sources.length} article(s), ${checked} checked, ${cached} cached, ${secs} s`);
  process.exit(problems.length ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.dirname, "check-redos.ts")) void main();
