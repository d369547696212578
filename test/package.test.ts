// The npm package as others get it: `npm pack`, installed into an empty folder with no other
// dependency, imported from JavaScript and TypeScript, its CLI run, its rules.json valid.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
let app: string;

beforeAll(() => {
  const packDir = mkdtempSync(join(tmpdir(), "criu-doctor-pack-"));
  const out = execFileSync("npm", ["pack", "--pack-destination", packDir, "--json"], { cwd: root, encoding: "utf8" });
  const tarball = join(packDir, (JSON.parse(out) as { filename: string }[])[0]!.filename);
  app = mkdtempSync(join(tmpdir(), "criu-doctor-app-"));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], { cwd: app, encoding: "utf8" });
}, 120_000);

describe("npm package", () => {
  it("installs without any runtime dependency", () => {
    const lock = JSON.parse(readFileSync(join(app, "package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
    expect(Object.keys(lock.packages).filter((p) => p.startsWith("node_modules/"))).toEqual(["node_modules/criu-doctor"]);
  });

  it("diagnoses from an ES module import", () => {
    const script = `import { diagnose, rules } from "criu-doctor";
      const d = diagnose("Error (criu/cr-restore.c:1539): Pid 17550 do not match expected 16817");
      console.log(JSON.stringify({ id: d.findings[0].id, n: rules.articles.length }));`;
    const out = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: app, encoding: "utf8" }));
    expect(out.id).toBe("pid-mismatch");
    expect(out.n).toBeGreaterThan(10);
  });

  it("type-checks a TypeScript consumer", () => {
    writeFileSync(
      join(app, "use.ts"),
      `import { diagnose, type Diagnosis, type Finding } from "criu-doctor";
       const d: Diagnosis = diagnose("x", { maxFindings: 3, phases: ["dump"] });
       const f: Finding | undefined = d.findings[0];
       const line: number | undefined = f?.line;
       // @ts-expect-error: phases only takes known phases
       diagnose("x", { phases: ["nap"] });
       export { line };`,
    );
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    execFileSync(process.execPath, [tsc, "--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--skipLibCheck", "false", "use.ts"], { cwd: app, encoding: "utf8" });
  });

  it("runs the CLI through its bin", () => {
    const out = execFileSync(join(app, "node_modules", ".bin", "criu-doctor"), ["--version"], { encoding: "utf8" });
    expect(out).toMatch(/^criu-doctor \d+\.\d+\.\d+/);
  });

  it("ships rules.json valid against its JSON Schema", () => {
    const pkg = join(app, "node_modules", "criu-doctor", "lib");
    const schema = JSON.parse(readFileSync(join(pkg, "rules.schema.json"), "utf8"));
    const rules = JSON.parse(readFileSync(join(pkg, "rules.json"), "utf8"));
    const validate = new Ajv2020({ strict: true }).compile(schema);
    expect(validate(rules), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...rules, schema: 2 })).toBe(false);
  });
});
