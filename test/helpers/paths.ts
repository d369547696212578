// Where the tests find the project and the built site.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DIST = fileURLToPath(new URL("../../dist/", import.meta.url));

/** Throws a readable error when the site has not been built. */
export function requireBuild(): void {
  if (!existsSync(`${DIST}index.html`) || !existsSync(`${DIST}pagefind/pagefind.js`)) {
    throw new Error("dist/ is missing or incomplete: run `npm run build` first (`npm test` does it for you)");
  }
}
