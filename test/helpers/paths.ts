// Where the tests find the project and the built site, and the URL path the site is built for.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { basePath } from "../../scripts/serve.mjs";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DIST = fileURLToPath(new URL("../../dist/", import.meta.url));

/** `/`, or `/criu-doctor/` for a site built with CRIU_DOCTOR_SITE_URL=https://example.org/criu-doctor. */
export const BASE = basePath();

/** A site path as the pages link to it: `/check/` -> `${BASE}check/`. */
export const site = (path: `/${string}`) => BASE + path.slice(1);

/** The file of dist/ that a site path (as linked, with BASE) refers to. */
export const distPath = (href: string) => href.slice(href.startsWith(BASE) ? BASE.length : 1);

/** Throws a readable error when the site has not been built. */
export function requireBuild(): void {
  if (!existsSync(`${DIST}index.html`) || !existsSync(`${DIST}pagefind/pagefind.js`)) {
    throw new Error("dist/ is missing or incomplete: run `npm run build` first (`npm test` does it for you)");
  }
}
