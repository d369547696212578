// After tsc: make the CLI executable and publish the rule set and its JSON Schema in lib/.
import { chmodSync, copyFileSync, writeFileSync } from "node:fs";

const { ruleset } = await import("../lib/generated/ruleset.js");
writeFileSync(new URL("../lib/rules.json", import.meta.url), JSON.stringify(ruleset));
copyFileSync(new URL("../rules/rules.schema.json", import.meta.url), new URL("../lib/rules.schema.json", import.meta.url));
chmodSync(new URL("../lib/cli.js", import.meta.url), 0o755);
