// Regex safety: every pattern that ships is checked with recheck, a ReDoS checker that proves a
// backtracking regex linear (automata theory) or finds an attack string (fuzzing when the
// automaton would be too large). The engine runs each pattern on every candidate line of logs
// people paste, so one pattern with super-linear backtracking would let a crafted line freeze the
// checker page or the CLI: lines are cut at 16 KiB (normalize.ts), which bounds the time per line
// only together with linear patterns.
//
// recheck runs offline: its `native` backend is a binary shipped in the npm package
// recheck-<os>-<arch> (an optional dependency), its `pure` backend is JavaScript. We use the
// native one where it is installed (about 5 times faster) and the pure one elsewhere; never the
// Java one. A check takes from milliseconds to tens of seconds per pattern, so verdicts are
// cached by pattern in node_modules/.cache/criu-doctor/ and the checks run on worker threads.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { Worker } from "node:worker_threads";

export interface RegexVerdict {
  /** `safe`: proved linear (or no attack found by fuzzing); `unknown`: the checker gave up. */
  status: "safe" | "vulnerable" | "unknown";
  checker?: "automaton" | "fuzz";
  /** `linear`, `safe`, `polynomial` or `exponential`. */
  complexity?: string;
  /** The polynomial degree, for `polynomial`. */
  degree?: number;
  /** An attack string as a JavaScript expression, e.g. `'a'.repeat(31) + '\x00'`. */
  attack?: string;
  /** The parts of the pattern that backtrack. */
  hotspot?: string[];
  /** For a fuzzing verdict: how V8 fared on the attack grown to a 16 KiB line (redos-confirm.mjs). */
  confirmed?: string;
  /** Why the checker gave up, for `unknown` (e.g. `timeout`). */
  error?: string;
  /** The time limit of the check, in milliseconds, for `unknown`: a longer limit checks again. */
  timeout?: number;
}

export interface RegexCheckOptions {
  /**
   * JSON file of verdicts from earlier runs; null for none. Default: rules/redos-verdicts.json, which
   * is committed like a lock file, so a fresh clone checks only patterns nobody has checked yet.
   */
  cacheFile?: string | null;
  /** Keep in the cache file only the verdicts of this call's patterns (a full run prunes the rest). */
  prune?: boolean;
  /** Time limit for one pattern, in milliseconds. Default 30000 (CRIU_DOCTOR_REDOS_TIMEOUT). */
  timeout?: number;
  /** Worker threads. Default: the number of cores, at most 4. */
  concurrency?: number;
  /** recheck backend. Default: `native` where its binary is installed, else `pure`. */
  backend?: "native" | "pure";
  /** Called once per pattern, as verdicts arrive. */
  onVerdict?: (pattern: string, verdict: RegexVerdict, info: { ms: number; cached: boolean }) => void;
}

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, "..");

function recheckVersion(): string {
  return (JSON.parse(readFileSync(require.resolve("recheck/package.json"), "utf8")) as { version: string }).version;
}

/** `native` when recheck's binary for this platform is installed, else `pure`. */
export function recheckBackend(): "native" | "pure" {
  const os = ({ linux: "linux", darwin: "macos", win32: "windows" } as Record<string, string>)[process.platform];
  if (!os || (process.arch !== "x64" && process.arch !== "arm64")) return "pure";
  try {
    const dir = dirname(require.resolve(`recheck-${os}-${process.arch}/package.json`));
    return existsSync(join(dir, os === "windows" ? "recheck.exe" : "recheck")) ? "native" : "pure";
  } catch {
    return "pure";
  }
}

/** The reason a pattern is refused, or null when it is safe. */
export function describeVerdict(v: RegexVerdict): string | null {
  if (v.status === "safe") return null;
  if (v.status === "vulnerable") {
    const how = v.complexity === "polynomial" ? `O(n^${v.degree ?? 2})` : "exponential";
    const where = v.hotspot?.length ? ` in ${v.hotspot.map((h) => JSON.stringify(h)).join(", ")}` : "";
    return `regex can take super-linear time (attack string ${v.attack}): ${how} backtracking${where}`;
  }
  return `recheck could not prove this regex linear (${v.error ?? "unknown error"}): simplify it`;
}

interface CacheFile {
  key: string;
  verdicts: Record<string, RegexVerdict>;
}

/**
 * Checks patterns (ECMAScript sources, no flags) with recheck and returns a verdict for each.
 * Verdicts are cached, so only new or changed patterns cost time (an `unknown` one is checked
 * again with a longer time limit).
 */
export async function checkRegexes(patterns: Iterable<string>, options: RegexCheckOptions = {}): Promise<Map<string, RegexVerdict>> {
  const timeout = options.timeout ?? (Number(process.env.CRIU_DOCTOR_REDOS_TIMEOUT) || 30_000);
  const version = recheckVersion();
  const key = `recheck ${version}`;
  const cacheFile =
    options.cacheFile === undefined
      ? (process.env.CRIU_DOCTOR_REDOS_CACHE ?? join(root, "rules", "redos-verdicts.json"))
      : options.cacheFile;
  let cache: Record<string, RegexVerdict> = {};
  if (cacheFile && existsSync(cacheFile)) {
    try {
      const doc = JSON.parse(readFileSync(cacheFile, "utf8")) as CacheFile;
      if (doc.key === key) cache = doc.verdicts;
    } catch {
      // A damaged cache is rebuilt.
    }
  }

  const out = new Map<string, RegexVerdict>();
  const todo: string[] = [];
  let dirty = false;
  if (options.prune) {
    const wanted = new Set(patterns);
    const kept = Object.fromEntries(Object.entries(cache).filter(([p]) => wanted.has(p)));
    dirty = Object.keys(kept).length !== Object.keys(cache).length;
    cache = kept;
    patterns = wanted;
  }
  for (const p of new Set(patterns)) {
    const hit = cache[p];
    if (hit && (hit.status !== "unknown" || (hit.timeout ?? 0) >= timeout)) {
      out.set(p, hit);
      options.onVerdict?.(p, hit, { ms: 0, cached: true });
    } else todo.push(p);
  }
  const backend = options.backend ?? recheckBackend();
  const n = Math.max(1, Math.min(options.concurrency ?? Math.min(availableParallelism(), 4), todo.length));
  const params = { timeout };
  const save = () => {
    if (!cacheFile || !dirty) return;
    mkdirSync(dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    // Sorted, one verdict a line: the committed file diffs like a lock file.
    const sorted = Object.fromEntries(Object.entries(cache).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const lines = Object.entries(sorted).map(([p, v]) => `    ${JSON.stringify(p)}: ${JSON.stringify(v)}`);
    writeFileSync(tmp, `{\n  "key": ${JSON.stringify(key)},\n  "verdicts": {\n${lines.join(",\n")}\n  }\n}\n`);
    renameSync(tmp, cacheFile);
    dirty = false;
  };
  if (!todo.length) {
    save();
    return out;
  }

  const workers: Worker[] = [];
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: n }, async () => {
        const start = () => {
          const w = new Worker(new URL("./redos-worker.mjs", import.meta.url), { workerData: { backend } });
          workers.push(w);
          return w;
        };
        let worker = start();
        // A fuzzing verdict is checked again in V8 (redos-confirm.mjs). The worker first sends the
        // provisional verdict; if V8 then never finishes the attack, the watchdog ends the worker
        // and the provisional verdict stands, confirmed by the hang.
        const ask = (id: number, pattern: string) =>
          new Promise<RegexVerdict>((resolve, reject) => {
            let provisional: RegexVerdict | undefined;
            const done = (v: RegexVerdict) => {
              clearTimeout(watchdog);
              worker.off("message", onMessage);
              worker.off("error", reject);
              resolve(v);
            };
            const onMessage = (m: { id?: number; verdict?: RegexVerdict; provisional?: RegexVerdict }) => {
              if (m.id !== id) return;
              if (m.provisional) provisional = m.provisional;
              else done(m.verdict!);
            };
            const watchdog = setTimeout(() => {
              void worker.terminate();
              worker = start();
              done(provisional ? { ...provisional, confirmed: "V8 did not finish the attack" } : { status: "unknown", error: "timeout" });
            }, timeout + 15_000);
            worker.on("message", onMessage);
            worker.once("error", reject);
            worker.postMessage({ id, pattern, params });
          });
        while (next < todo.length) {
          const id = next++;
          const pattern = todo[id]!;
          const t = performance.now();
          const verdict = await ask(id, pattern);
          if (verdict.status === "unknown") verdict.timeout = timeout;
          out.set(pattern, verdict);
          cache[pattern] = verdict;
          dirty = true;
          options.onVerdict?.(pattern, verdict, { ms: Math.round(performance.now() - t), cached: false });
          if (id % 20 === 19) save(); // a long first run that is interrupted keeps what it learnt
        }
      }),
    );
  } finally {
    save();
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}
