// A second opinion on a ReDoS verdict that recheck reached by fuzzing. recheck confirms the attack
// strings it finds against a time limit, so on a busy machine a linear pattern can be called
// vulnerable by chance. The engine runs a pattern on lines of at most 16 KiB (normalize.ts), so
// the question that matters is whether V8 is slow on recheck's attack grown to that length.
// Plain JavaScript: redos-worker.mjs imports it under node, tsx and vitest alike.

/** The longest line the engine matches (MAX_LINE in normalize.ts). */
export const LINE = 16 * 1024;

/** A run of V8 on the attack longer than this confirms the verdict. */
export const CONFIRM_MS = 100;

/**
 * recheck's attack pattern (prefixes, pumped strings and a suffix) with the pumps repeated so
 * that the string reaches `length` characters.
 * @param {{ pumps: { prefix: string; pump: string; bias: number }[]; suffix: string; base: number }} attack
 */
export function growAttack(attack, length = LINE) {
  const fixed = attack.pumps.reduce((n, p) => n + p.prefix.length + p.pump.length * p.bias, 0) + attack.suffix.length;
  const perRound = attack.pumps.reduce((n, p) => n + p.pump.length, 0);
  // The engine never sees more than a line: a longer attack than that proves nothing about it.
  const rounds = perRound > 0 ? Math.max(0, Math.floor((length - fixed) / perRound)) : 0;
  return attack.pumps.map((p) => p.prefix + p.pump.repeat(Math.max(0, rounds + p.bias))).join("") + attack.suffix;
}

/**
 * Milliseconds V8 takes to search `input` with the pattern, as the engine does (exec, no flags).
 * @param {string} pattern
 * @param {string} input
 */
export function timeInV8(pattern, input) {
  const re = new RegExp(pattern);
  const start = performance.now();
  re.exec(input);
  return performance.now() - start;
}

/**
 * The final word on a verdict recheck reached by fuzzing: confirmed when V8 is slow on the
 * attack grown to a line, otherwise safe (with the reason recorded).
 * @param {string} pattern
 * @param {Record<string, unknown>} verdict
 * @param {{ pumps: { prefix: string; pump: string; bias: number }[]; suffix: string; base: number }} attack
 */
export function secondOpinion(pattern, verdict, attack) {
  const ms = timeInV8(pattern, growAttack(attack, LINE));
  return ms > CONFIRM_MS
    ? { ...verdict, confirmed: `V8 took ${Math.round(ms)} ms on the attack grown to ${LINE} characters` }
    : { status: "safe", checker: "fuzz", complexity: "safe", confirmed: `fuzzing found an attack, but V8 ran it grown to ${LINE} characters in ${ms.toFixed(1)} ms` };
}
