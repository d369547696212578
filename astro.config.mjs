// @ts-check
// The criu-doctor site: static HTML, one page per article, the checker and /rules.json.
import mdx from "@astrojs/mdx";
import { defineConfig } from "astro/config";
import remarkGfm from "remark-gfm";
import { codeClasses } from "./src/lib/code-classes.mjs";

// Where the site is published, e.g. https://criu-doctor.example.org or https://example.org/criu-doctor.
// The rule compiler reads the same variable, so the article URLs in /rules.json agree with the site.
const site = process.env.CRIU_DOCTOR_SITE_URL || undefined;
// A site published under a path serves every page below that path.
const base = site ? new URL(site).pathname.replace(/\/+$/, "") || "/" : "/";

/** Inline code that is one CRIU option (`--tcp-established`, `-j`) gets class="option", so that it
 *  never breaks after its dashes (see code.option in src/styles/global.css).
 *  @param {any} node */
function markOptions(node) {
  for (const child of node.children ?? []) {
    if (child.type !== "element") continue;
    if (child.tagName === "pre") continue;
    const text = child.children?.length === 1 && child.children[0].type === "text" ? child.children[0].value : null;
    if (child.tagName === "code" && text && /^--?[a-z][\w-]*(?:=\S*)?$/i.test(text)) {
      const cls = child.properties.className ?? [];
      child.properties.className = [...(Array.isArray(cls) ? cls : [cls]), "option"];
    } else markOptions(child);
  }
}
const rehypeMarkOptions = () => markOptions;

// Code blocks follow the reader's light or dark setting. The "-default" GitHub themes: their comment
// colour meets WCAG AA contrast on their background. Their colours are classes, not style=""
// attributes, which the Content-Security-Policy refuses (src/lib/code-classes.mjs, src/csp.mjs).
const themes = /** @type {const} */ ({ light: "github-light-default", dark: "github-dark-default" });
const code = await codeClasses(themes);

/** Markdown settings shared by .md and .mdx: GFM comes from remark-gfm, and smartypants stays off
 *  because it turns `--tcp-established` into an en dash followed by `tcp-established`.
 *  @type {import("astro").AstroUserConfig["markdown"]} */
const markdown = {
  gfm: false,
  smartypants: false,
  remarkPlugins: [remarkGfm],
  rehypePlugins: [rehypeMarkOptions],
  shikiConfig: { themes, transformers: [code.transformer] },
};

export default defineConfig({
  site,
  base,
  output: "static",
  trailingSlash: "always",
  markdown,
  // extendMarkdownConfig (the default, spelled out): MDX inherits `markdown` above.
  integrations: [mdx({ extendMarkdownConfig: true })],
  // No dev toolbar: it would inject scripts the built site does not have.
  devToolbar: { enabled: false },
  // Scripts and stylesheets are always files, never inlined into the page: the
  // Content-Security-Policy (src/csp.mjs) allows only the site's own files, not inline code.
  build: { format: "directory", inlineStylesheets: "never" },
  vite: { build: { assetsInlineLimit: 0 }, plugins: [code.vitePlugin()] },
});
