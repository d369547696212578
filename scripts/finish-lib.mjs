// After tsc: make the CLI executable and publish the rule set as lib/rules.json.
import { chmodSync, writeFileSync } from "node:fs";

const { ruleset } = await import("../lib/generated/ruleset.js");
writeFileSync(new URL("../lib/rules.json", import.meta.url), JSON.stringify(ruleset));
chmodSync(new URL("../lib/cli.js", import.meta.url), 0o755);

