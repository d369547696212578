// Before tsc: empty lib/, so that a module renamed or removed in rules/ does not linger in the
// npm package.
import { rmSync } from "node:fs";

rmSync(new URL("../lib/", import.meta.url), { recursive: true, force: true });
