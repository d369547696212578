// The floor under any Node.js CLI on this machine, for the bench's table: Node starts, loads the
// engine and the rules, and reads the file through the scanner's buffer. With --scan it also runs
// the literal scan (rules/hit-scanner.ts) over every piece, but none of the line work that turns
// hits into findings. The CLI can only be slower than these rows; when a row is already slower
// than grep, no amount of work on the engine brings the CLI to grep's time.
//
//   node bench/floor.mjs FILE [--scan]
import { closeSync, openSync, readSync } from "node:fs";
import { createMatcher } from "../lib/engine.js";
import { createHitScanner } from "../lib/hit-scanner.js";
import { rules } from "../lib/index.js";

const file = process.argv[2];
const scan = process.argv.includes("--scan");
const hitScanner = createHitScanner(createMatcher(rules).scanner);
const buf = hitScanner.readBuffer();
const fd = openSync(file, "r");
let carry = 0;
let hits = 0;
for (;;) {
  const n = readSync(fd, buf, carry, buf.length - carry, null);
  if (n <= 0) break;
  const len = carry + n;
  // The scanner takes whole lines; the incomplete last one moves to the front, as in the engine.
  const to = buf.lastIndexOf(10, len - 1) + 1;
  if (scan && to > 0) hits += hitScanner.scan(buf, 0, to);
  buf.copyWithin(0, to, len);
  carry = len - to;
}
closeSync(fd);
// The count keeps the scan's result alive, so nothing can skip it; it goes nowhere useful.
process.exitCode = hits < 0 ? 3 : 0;
