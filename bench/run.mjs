// npm run bench: the CLI against grep -E -f and rg -f (Debian's ripgrep) on generated CRIU logs,
// given the same patterns exported from the rule set. Prints MiB/s, the ratios and peak memory.
//
//   npm run bench                 100 MiB and 1 GiB logs, and the 2 MB end-to-end check
//   npm run bench -- --quick      100 MiB only
// Needs `npm run build:lib` first (npm run bench does it) and, for the comparison, grep, rg and
// GNU time (apt-get install ripgrep time). Generated logs are kept in bench/data/ for reruns.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { exportPatterns } from "./patterns.mjs";

const root = join(import.meta.dirname, "..");
const data = join(root, "bench", "data");
const cli = join(root, "lib", "cli.cjs");
const floor = join(root, "bench", "floor.mjs");
const quick = process.argv.includes("--quick");
const has = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const gnuTime = existsSync("/usr/bin/time");

function ensureLog(name, mib) {
  const file = join(data, name);
  if (!existsSync(file) || Math.abs(statSync(file).size - mib * 1048576) > 1048576) {
    process.stdout.write(`generating ${name} (${mib} MiB)... `);
    execFileSync(process.execPath, [join(root, "bench", "generate.mjs"), file, String(mib)]);
    console.log("done");
  }
  return file;
}

// The environment every tool runs in: this one without NODE_EXTRA_CA_CERTS, which sandboxes and
// CI images set for their proxies and which costs every node start a CA bundle read (the 2 MB
// line reports the time with it too).
const cleanEnv = { ...process.env };
delete cleanEnv.NODE_EXTRA_CA_CERTS;

/** Runs a command once, returning wall seconds and peak resident memory in MiB (GNU time). */
function measure(cmd, args, env = cleanEnv) {
  const argv = gnuTime ? ["/usr/bin/time", "-f", "%M", cmd, ...args] : [cmd, ...args];
  const t = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 26, env });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} exited ${r.status}: ${r.stderr?.toString().slice(-300)}`);
  const kb = gnuTime ? Number(r.stderr.toString().trim().split("\n").pop()) : NaN;
  return { seconds, mib: kb / 1024 };
}

/** Best of n runs (the least disturbed by other load), with the peak memory of that run. */
function best(n, cmd, args) {
  let b = null;
  for (let i = 0; i < n; i++) {
    const m = measure(cmd, args);
    if (!b || m.seconds < b.seconds) b = m;
  }
  return b;
}

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");

function compare(file, runs) {
  const size = statSync(file).size / 1048576;
  const rows = [["criu-doctor", best(runs, process.execPath, [cli, "--json", file])]];
  if (has("rg")) rows.push(["rg -f", best(runs, "rg", ["--no-config", "-c", "-f", join(data, "patterns.rust"), file])]);
  if (has("grep")) rows.push(["grep -E -f", best(runs, "grep", ["-c", "-E", "-f", join(data, "patterns.ere"), file])]);
  // Not tools: what Node itself costs before the engine does any line work (bench/floor.mjs).
  const floors = [
    ["node, read", best(runs, process.execPath, [floor, file])],
    ["node, scan", best(runs, process.execPath, [floor, file, "--scan"])],
  ];
  const base = rows[0][1].seconds;
  console.log(`\n${file.replace(root + "/", "")} (${fmt(size, 0)} MiB), best of ${runs}:`);
  console.log("  tool           seconds    MiB/s   vs criu-doctor   peak MiB");
  const line = ([name, m]) =>
    console.log(`  ${name.padEnd(13)} ${fmt(m.seconds, 3).padStart(8)} ${fmt(size / m.seconds, 0).padStart(8)}   ${fmt(m.seconds / base, 2).padStart(8)}x      ${fmt(m.mib, 0).padStart(6)}`);
  rows.forEach(line);
  console.log("  floors: Node starts, loads the rules and reads the file; 'scan' adds the literal scan, no line work");
  floors.forEach(line);
  return Object.fromEntries(rows);
}

/** The engine and the rule set as a browser gets them: one minified bundle, and its gzipped size. */
async function bundleSize() {
  const { build } = await import("esbuild");
  const { gzipSync } = await import("node:zlib");
  const r = await build({ entryPoints: [join(root, "lib", "index.js")], bundle: true, minify: true, format: "esm", write: false, platform: "browser" });
  const code = r.outputFiles[0].contents;
  const rules = (await import("../lib/generated/ruleset.js")).ruleset;
  const rulesJson = Buffer.from(JSON.stringify(rules));
  console.log(`bundle: engine + rules ${fmt(code.length / 1024, 0)} KiB minified, ${fmt(gzipSync(code).length / 1024, 0)} KiB gzipped (rules alone: ${fmt(gzipSync(rulesJson).length / 1024, 0)} KiB gzipped as JSON)`);
}

const [load] = loadavg();
console.log(`machine: ${cpus().length} cores, load average ${load.toFixed(2)}${load > 1 ? " (busy: timings below are pessimistic; rerun on a quiet machine)" : ""}`);
await bundleSize();
const { count, skipped } = await exportPatterns(data);
console.log(`patterns: ${count} exported for grep and rg (${skipped} with look-around left out)`);
if (!has("rg")) console.log("rg not found: apt-get install ripgrep to compare");
if (!gnuTime) console.log("/usr/bin/time not found: apt-get install time to measure peak memory");

const small = ensureLog("2m.log", 2);
/** Median wall time of n runs, in ms. */
function medianMs(n, cmd, args, env) {
  const times = [];
  for (let i = 0; i < n; i++) times.push(measure(cmd, args, env).seconds);
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] * 1000;
}
const nodeAlone = medianMs(15, process.execPath, ["-e", "0"], cleanEnv);
const e2e = medianMs(15, process.execPath, [cli, "--json", small], cleanEnv);
console.log(`\n2 MB log end to end (node start included), median of 15: ${fmt(e2e, 0)} ms (target < 150 ms); node alone starts in ${fmt(nodeAlone, 0)} ms`);
if (process.env.NODE_EXTRA_CA_CERTS) {
  const withCa = medianMs(15, process.execPath, [cli, "--json", small], process.env);
  console.log(`  NODE_EXTRA_CA_CERTS is set here: it makes every node start load a CA bundle. Left out above, as in a`);
  console.log(`  user's shell; with it: ${fmt(withCa, 0)} ms`);
}

const r100 = compare(ensureLog("100m.log", 100), 3);
const vsRg = r100["rg -f"] ? r100["rg -f"].seconds / r100["criu-doctor"].seconds : NaN;
const vsGrep = r100["grep -E -f"] ? r100["grep -E -f"].seconds / r100["criu-doctor"].seconds : NaN;
console.log(`  target: criu-doctor at least as fast as rg -f (ratio ${fmt(vsRg, 2)}, want >= 1) and grep -E -f (ratio ${fmt(vsGrep, 2)}, want >= 1)`);

if (!quick) {
  // The same comparison once over 1 GiB, where start-up and warm-up weigh little: the scan rate.
  const r1g = compare(ensureLog("1g.log", 1024), 2);
  const m = r1g["criu-doctor"];
  const vs = (tool) => (r1g[tool] ? `, ${tool} ${fmt(r1g[tool].seconds / m.seconds, 2)}` : "");
  console.log(`  criu-doctor peak memory ${fmt(m.mib, 0)} MiB (target < 200 MB); ratios${vs("rg -f")}${vs("grep -E -f")} (want >= 1)`);
}
