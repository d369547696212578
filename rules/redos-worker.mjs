// One recheck worker (see redos.ts): checks the patterns it is sent, one at a time, and answers
// with the verdict. Plain JavaScript so that it runs the same under node, tsx and vitest.
import { parentPort, workerData } from "node:worker_threads";

// recheck reads its backend from the environment on every call: `native` (a binary shipped in
// the recheck-<os>-<arch> npm package) or `pure` (Scala.js, on this thread). Never `java`.
process.env.RECHECK_BACKEND = workerData.backend;
const { check } = await import("recheck");
const { secondOpinion } = await import("./redos-confirm.mjs");

parentPort.on("message", async ({ id, pattern, params }) => {
  let verdict;
  try {
    const d = await check(pattern, "", params);
    verdict =
      d.status === "vulnerable"
        ? {
            status: "vulnerable",
            checker: d.checker,
            complexity: d.complexity.type,
            degree: d.complexity.type === "polynomial" ? d.complexity.degree : undefined,
            attack: d.attack.pattern,
            hotspot: [...new Set(d.hotspot.map((h) => pattern.slice(h.start, h.end)))],
          }
        : d.status === "safe"
          ? { status: "safe", checker: d.checker, complexity: d.complexity.type }
          : { status: "unknown", checker: d.checker, error: d.error.kind + (d.error.message ? `: ${d.error.message}` : "") };
    if (verdict.status === "vulnerable" && d.checker === "fuzz") {
      // recheck confirmed its attack against a time limit, which a busy machine can reach by
      // itself: time V8 on the attack grown to the longest line the engine reads. The parent
      // keeps the provisional verdict should V8 never finish (its watchdog ends this worker).
      parentPort.postMessage({ id, provisional: verdict });
      verdict = secondOpinion(pattern, verdict, d.attack);
    }
  } catch (e) {
    verdict = { status: "unknown", error: `unexpected: ${e?.message ?? e}` };
  }
  parentPort.postMessage({ id, verdict });
});
parentPort.postMessage({ ready: true });
