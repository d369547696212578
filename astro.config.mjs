// @ts-check
// The criu-doctor site: static HTML, one page per article, the checker and /rules.json.
import mdx from "@astrojs/mdx";
import { defineConfig } from "astro/config";
import remarkGfm from "remark-gfm";

// Where the site is published, e.g. https://criu-doctor.example.org or https://example.org/criu-doctor.
// The rule compiler reads the same variable, so the article URLs in /rules.json agree with the site.
const site = process.env.CRIU_DOCTOR_SITE_URL || undefined;
// A site published under a path serves every page below that path.
const base = site ? new URL(site).pathname.replace(/\/+$/, "") || "/" : "/";

/** Markdown settings shared by .md and .mdx: GFM comes from remark-gfm, and smartypants stays off
 *  because it turns `--tcp-established` into an en dash followed by `tcp-established`.
 *  @type {import("astro").AstroUserConfig["markdown"]} */
const markdown = {
  gfm: false,
  smartypants: false,
  remarkPlugins: [remarkGfm],
  // Code blocks follow the reader's light or dark setting (see .astro-code in src/styles/global.css).
  shikiConfig: { themes: { light: "github-light", dark: "github-dark" } },
};

export default defineConfig({
  site,
  base,
  output: "static",
  trailingSlash: "always",
  build: { format: "directory" },
  markdown,
  // extendMarkdownConfig (the default, spelled out): MDX inherits `markdown` above.
  integrations: [mdx({ extendMarkdownConfig: true })],
  // No dev toolbar: it would inject scripts the built site does not have.
  devToolbar: { enabled: false },
});
