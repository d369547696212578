// After tsc: bundle the CLI, and publish the rule set and its JSON Schema in lib/.
import { chmodSync, copyFileSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const { ruleset } = await import("../lib/generated/ruleset.js");
writeFileSync(new URL("../lib/rules.json", import.meta.url), JSON.stringify(ruleset));
copyFileSync(new URL("../rules/rules.schema.json", import.meta.url), new URL("../lib/rules.schema.json", import.meta.url));

// The CLI is one CommonJS file: Node starts it without its ES module loader and without
// resolving a dozen imports, ~20 ms of a run on a 2 MB log (bench/run.mjs); it reads the rule
// set from lib/rules.json (rules/ruleset-file.ts). The library (lib/index.js) stays ES modules,
// with its types.
const cli = new URL("../lib/cli.cjs", import.meta.url);
await build({
  entryPoints: [new URL("../rules/cli.ts", import.meta.url).pathname],
  outfile: cli.pathname,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  logLevel: "warning",
  plugins: [
    {
      name: "rules-from-json",
      setup(b) {
        b.onResolve({ filter: /\/generated\/ruleset\.js$/ }, () => ({ path: new URL("../rules/ruleset-file.ts", import.meta.url).pathname }));
      },
    },
  ],
});
chmodSync(cli, 0o755);
