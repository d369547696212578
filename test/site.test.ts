// The built site (dist/, made by `npm run build`): every article has its page, the pages carry
// what the frontmatter says as text, /rules.json is the compiled rule set, Pagefind indexed the
// articles, internal links resolve, and scripts/serve.mjs serves all of it with the right types.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import astroConfig from "../astro.config.mjs";
import { loadArticles } from "../rules/build-rules.ts";
import { readArticle } from "../rules/compile.ts";
import { ruleset } from "../rules/generated/ruleset.ts";
import { editUrl } from "../src/config.ts";
import { DIST, distPath, requireBuild, site } from "./helpers/paths.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

requireBuild();

const read = (path: string) => readFileSync(join(DIST, path), "utf8");
// The articles the site was built from (others may be written while the tests run).
const built = new Set(ruleset.articles.map((a) => a.id));
const articles = loadArticles()
  .map((src) => ({ path: src.path, ...readArticle(src) }))
  .filter((a) => built.has(a.id));

/** Undoes the HTML escaping Astro applies to text. */
function decode(html: string): string {
  return html
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** White space collapsed, as when comparing what a page shows. */
const squash = (s: string) => s.replace(/\s+/g, " ").trim();

/** The text of a page: tags removed, entities decoded, white space collapsed. */
const textOf = (html: string) =>
  squash(decode(html.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, " ").replace(/<[^>]+>/g, "")));

/** CRIU options written in prose: outside fenced blocks and inline code, where smartypants would act. */
function optionsInProse(markdown: string): string[] {
  const prose = markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, " ").replace(/`[^`\n]*`/g, " ");
  return [...new Set(prose.match(/(?<![\w-])--[a-z][a-z0-9-]*[a-z0-9]/g) ?? [])];
}

describe("built pages", () => {
  it("has the home page, the checker, search, the article index and a 404 page", () => {
    for (const page of ["index.html", "check/index.html", "search/index.html", "failures/index.html", "404.html"]) {
      expect(existsSync(join(DIST, page)), page).toBe(true);
    }
  });

  it("has a page for every article of the compiled rule set, and no other", () => {
    expect(ruleset.articles.length).toBeGreaterThan(0);
    for (const { id } of ruleset.articles) expect(existsSync(join(DIST, "failures", id, "index.html")), id).toBe(true);
    const built = readdirSync(join(DIST, "failures"), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(DIST, "failures", d.name, "index.html")))
      .map((d) => d.name)
      .filter((name) => name !== "phase" && name !== "option");
    expect(built.sort()).toEqual(ruleset.articles.map((a) => a.id).sort());
  });

  it("serves /rules.json as the compiled rule set", () => {
    const served = JSON.parse(read("rules.json")) as typeof ruleset;
    expect(served.articles.map((a) => a.id)).toEqual(ruleset.articles.map((a) => a.id));
    expect(served).toEqual(JSON.parse(JSON.stringify(ruleset)));
  });

  it("lists every article on the home page and on /failures/", () => {
    const home = read("index.html");
    const index = read("failures/index.html");
    for (const { id } of ruleset.articles) {
      expect(home, id).toContain(`href="${site(`/failures/${id}/`)}"`);
      expect(index, id).toContain(`href="${site(`/failures/${id}/`)}"`);
    }
  });

  it("links every page to the checker", () => {
    for (const page of ["index.html", "failures/index.html", "search/index.html", "404.html", `failures/${ruleset.articles[0]!.id}/index.html`]) {
      expect(read(page), page).toContain(`href="${site("/check/")}"`);
    }
  });
});

describe("article pages", () => {
  it.each(articles.map((a) => [a.id, a] as const))("%s shows its frontmatter as text", (id, article) => {
    const html = read(`failures/${id}/index.html`);
    const text = textOf(html);
    const { data } = { data: article.frontmatter };

    expect(html).toMatch(/<h1[^>]*data-pagefind-meta="title"[^>]*>/);
    expect(text).toContain(squash(data.title));
    expect(text).toContain(squash(data.summary));

    // The examples, in <pre>, escaped: decoding gives back exactly the frontmatter strings.
    const shown = [...html.matchAll(/<pre[^>]*data-example[^>]*>\s*<code[^>]*>([\s\S]*?)<\/code>\s*<\/pre>/g)].map((m) => m[1]!);
    expect(shown.length).toBe(data.examples.length);
    for (const raw of shown) expect(raw, "example markup").not.toMatch(/<[a-z!/]/i);
    expect(shown.map(decode)).toEqual(data.examples.map((e) => e.replace(/\n$/, "")));

    for (const fix of data.fixes) {
      expect(text).toContain(squash(fix.text));
      if (fix.command) expect(text).toContain(squash(fix.command));
    }
    for (const note of data.criu) expect(text).toContain(squash(note.change));
    for (const ref of data.refs) expect(html).toContain(`href="${ref.url.replace(/&/g, "&amp;")}"`);
    expect(html).toContain(`href="${editUrl(article.path)}"`);
  });

  it.each(articles.map((a) => [a.id, a] as const))("%s keeps CRIU options intact (no smart dashes)", (id, article) => {
    const text = textOf(read(`failures/${id}/index.html`));
    const { frontmatter: fm, body } = article;
    const fromFrontmatter = [fm.summary, ...fm.fixes.map((f) => f.text), ...fm.criu.map((c) => c.change)]
      .flatMap((s) => s.match(/(?<![\w-])--[a-z][a-z0-9-]*[a-z0-9]/g) ?? []);
    const options = new Set([...fm.options, ...optionsInProse(body), ...fromFrontmatter]);
    for (const option of options) {
      expect(text, option).toContain(option);
      expect(text, `${option} became a dash`).not.toContain(`–${option.slice(2)}`);
      expect(text, `${option} became a dash`).not.toContain(`—${option.slice(2)}`);
    }
  });

  it("renders markdown without smartypants and with GFM (astro.config.mjs, inherited by MDX)", () => {
    const { markdown } = astroConfig as { markdown: { smartypants?: boolean; gfm?: boolean; remarkPlugins?: unknown[] } };
    expect(markdown.smartypants).toBe(false);
    expect(markdown.gfm).toBe(false);
    expect(markdown.remarkPlugins?.length).toBeGreaterThan(0);
    // The model article's option, in a fix sentence and as a badge.
    const html = read("failures/pid-mismatch/index.html");
    expect(html).toContain("--leave-running");
    expect(html).toContain("--restore-detached");
    expect(html).not.toMatch(/[–—](leave-running|restore-detached)/);
  });

  it("marks the article for Pagefind, with phase, area and option filters", () => {
    const html = read("failures/pid-mismatch/index.html");
    expect(html).toContain("data-pagefind-body");
    expect(html).toMatch(/data-pagefind-filter="phase"[^>]*>restore</);
    expect(html).toMatch(/data-pagefind-filter="area"[^>]*>Process tree</);
    expect(html).toMatch(/data-pagefind-filter="option"[^>]*>--restore-detached</);
  });
});

describe("search and checker assets", () => {
  it("has the Pagefind bundle and its default UI", () => {
    for (const file of ["pagefind.js", "pagefind-ui.js", "pagefind-ui.css"]) {
      expect(existsSync(join(DIST, "pagefind", file)), file).toBe(true);
    }
    expect(read("index.html")).toContain(site("/pagefind/pagefind-ui.js"));
    expect(read("search/index.html")).toContain(site("/pagefind/pagefind-ui.js"));
  });

  it("ships the checker form, its live results region and its worker", () => {
    const html = read("check/index.html");
    expect(html).toMatch(/<textarea[^>]*id="log"/);
    expect(html).toMatch(/<input[^>]*type="file"/);
    expect(html).toMatch(/id="results"[^>]*aria-live="polite"|aria-live="polite"[^>]*id="results"/);
    expect(html).toContain("<noscript>");
    const scripts = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) expect(existsSync(join(DIST, distPath(src))), src).toBe(true);
    const workers = readdirSync(join(DIST, "_astro")).filter((f) => /worker.*\.js$/.test(f));
    expect(workers.length).toBe(1);
  });
});

describe("internal links", () => {
  const pages: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (entry !== "pagefind" && entry !== "_astro") walk(path);
      } else if (entry.endsWith(".html")) pages.push(path);
    }
  };
  walk(DIST);

  /** The file a root-relative URL path is served from, or null. */
  const target = (path: string) => {
    const file = join(DIST, decodeURIComponent(distPath(path)));
    if (existsSync(file) && statSync(file).isFile()) return file;
    if (path.endsWith("/") && existsSync(join(file, "index.html"))) return join(file, "index.html");
    return null;
  };

  it("resolve to a page, and their #fragments to an element of it", () => {
    const broken: string[] = [];
    for (const page of pages) {
      const html = readFileSync(page, "utf8");
      for (const [, url] of html.matchAll(/\shref="(\/[^"]*|#[^"]*)"/g)) {
        const [path, fragment] = decode(url!).split("#") as [string, string | undefined];
        const file = path ? target(path) : page;
        if (!file) {
          broken.push(`${relative(DIST, page)}: ${url}`);
          continue;
        }
        if (fragment && file.endsWith(".html") && !readFileSync(file, "utf8").includes(`id="${fragment}"`)) {
          broken.push(`${relative(DIST, page)}: ${url} (no id="${fragment}")`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});

describe("scripts/serve.mjs", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());

  const get = (path: `/${string}`) => fetch(server.origin + site(path), { redirect: "manual" });

  it("serves directories as their index.html and redirects them to the slashed URL", async () => {
    const page = await get("/check/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toContain('id="checker"');
    const bare = await get("/check");
    expect(bare.status).toBe(301);
    expect(bare.headers.get("location")).toBe(site("/check/"));
  });

  it("sends the right content types", async () => {
    const worker = readdirSync(join(DIST, "_astro")).find((f) => /worker.*\.js$/.test(f))!;
    const css = readdirSync(join(DIST, "_astro")).find((f) => f.endsWith(".css"));
    const pfMeta = readdirSync(join(DIST, "pagefind")).find((f) => /\.pf_meta$/.test(f))!;
    const cases: [`/${string}`, string][] = [
      ["/rules.json", "application/json; charset=utf-8"],
      [`/_astro/${worker}`, "text/javascript; charset=utf-8"],
      ["/pagefind/pagefind.js", "text/javascript; charset=utf-8"],
      [`/pagefind/${pfMeta}`, "application/octet-stream"],
      ["/favicon.svg", "image/svg+xml"],
    ];
    if (css) cases.push([`/_astro/${css}`, "text/css; charset=utf-8"]);
    for (const [path, type] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toBe(type);
      await res.arrayBuffer();
    }
  });

  it("answers unknown paths with the 404 page, and never leaves dist/", async () => {
    const missing = await get("/failures/no-such-article/");
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("Page not found");
    for (const path of ["/../package.json", "/%2e%2e/package.json", "/..%2fpackage.json"] as const) {
      const res = await get(path);
      expect([403, 404], path).toContain(res.status);
      expect(await res.text(), path).not.toContain('"devDependencies"');
    }
  });
});
