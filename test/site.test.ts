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
import { areaLabel } from "../src/lib/labels.ts";
import { articleMessages } from "../src/lib/messages.ts";
import { configLine } from "../src/lib/options.ts";
import { AREAS, PHASES } from "../rules/vocabulary.ts";
import { decode } from "./helpers/html.ts";
import { DIST, distPath, requireBuild, site } from "./helpers/paths.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

requireBuild();

const read = (path: string) => readFileSync(join(DIST, path), "utf8");
// The articles the site was built from (others may be written while the tests run).
const built = new Set(ruleset.articles.map((a) => a.id));
const articles = loadArticles()
  .map((src) => ({ path: src.path, ...readArticle(src) }))
  .filter((a) => built.has(a.id));

/** `process tree` -> `process-tree`, `--tcp-established` -> `tcp-established` (as src/lib/paths.ts). */
const areaSegment = (area: string) => area.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
const bare = (option: string) => option.replace(/^-+/, "");

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
  it("has the home page, the checker, search, the article index, the message and option indexes and a 404 page", () => {
    for (const page of [
      "index.html",
      "check/index.html",
      "search/index.html",
      "failures/index.html",
      "messages/index.html",
      "options/index.html",
      "404.html",
    ]) {
      expect(existsSync(join(DIST, page)), page).toBe(true);
    }
  });

  it("has a page for every area of the vocabulary and every CRIU command", () => {
    for (const area of AREAS) expect(existsSync(join(DIST, "failures/area", areaSegment(area), "index.html")), area).toBe(true);
    for (const phase of PHASES.filter((p) => p !== "any")) {
      expect(existsSync(join(DIST, "failures/phase", phase, "index.html")), phase).toBe(true);
    }
  });

  it("lists every article on its area page and on the page of each of its phases", () => {
    for (const a of articles) {
      const link = `href="${site(`/failures/${a.id}/`)}"`;
      expect(read(`failures/area/${areaSegment(a.frontmatter.area)}/index.html`), a.id).toContain(link);
      const phases = a.frontmatter.phase.includes("any") ? PHASES.filter((p) => p !== "any") : a.frontmatter.phase;
      for (const p of phases) expect(read(`failures/phase/${p}/index.html`), `${a.id} in ${p}`).toContain(link);
    }
  });

  it("indexes every option: /options/#<option> with its config-file line and the articles that name it", () => {
    const html = read("options/index.html");
    const byOption = new Map<string, string[]>();
    for (const a of articles) for (const o of a.frontmatter.options) byOption.set(o, [...(byOption.get(o) ?? []), a.id]);
    expect(byOption.size).toBeGreaterThan(0);
    for (const [option, ids] of byOption) {
      const section = new RegExp(`<section[^>]*id="${bare(option)}"[\\s\\S]*?</section>`).exec(html)?.[0];
      expect(section, option).toBeDefined();
      expect(decode(section!), option).toContain(`<code>${option}</code>`);
      expect(decode(section!), option).toContain(`<code>${configLine(option)}</code>`);
      expect(configLine(option).startsWith(bare(option)), option).toBe(true);
      for (const id of ids) expect(section, `${option}: ${id}`).toContain(`href="${site(`/failures/${id}/`)}"`);
      // The option's own page says the same.
      const page = read(`failures/option/${bare(option)}/index.html`);
      expect(decode(page), option).toContain(`<code>${configLine(option)}</code>`);
      for (const id of ids) expect(page, `${option}: ${id}`).toContain(`href="${site(`/failures/${id}/`)}"`);
    }
  });

  it("indexes every message the rules recognise at /messages/, each linked to its article", () => {
    const html = read("messages/index.html");
    let total = 0;
    for (const a of articles) {
      const messages = articleMessages(a.id, a.frontmatter);
      // Every rule finds its message in an example (the compiler insists on that); equal texts count once.
      expect(messages.length, a.id).toBeGreaterThan(0);
      expect(messages.length, a.id).toBeLessThanOrEqual(a.frontmatter.match.length);
      const entry = new RegExp(`<div[^>]*id="${a.id}"[\\s\\S]*?</ul>`).exec(html)?.[0];
      expect(entry, a.id).toBeDefined();
      expect(entry, a.id).toContain(`href="${site(`/failures/${a.id}/`)}"`);
      const shown = textOf(entry!);
      for (const m of messages) {
        expect(shown, a.id).toContain(squash(m.text));
        // The message is the line without its timestamp, pid column or level tag.
        expect(m.text, a.id).not.toMatch(/^\(\s*\d+\.\d+\)|(?:Error|Warn)\s+\([\w./+-]+:\d+\):/);
        expect(m.text.slice(m.span[0], m.span[1]).length, `${a.id}: matched part of ${m.text}`).toBeGreaterThan(0);
        total++;
      }
    }
    expect(textOf(html)).toContain(`The ${total} messages`);
  });

  it("links the indexes from the header and the footer of every page", () => {
    for (const page of ["index.html", "failures/index.html", "messages/index.html", "options/index.html", "404.html", `failures/${articles[0]!.id}/index.html`]) {
      const html = read(page);
      for (const path of ["/messages/", "/options/", "/failures/", "/search/", "/check/"] as const) {
        expect(html, `${page} -> ${path}`).toContain(`href="${site(path)}"`);
      }
      for (const area of AREAS) expect(html, `${page} -> ${area}`).toContain(`href="${site(`/failures/area/${areaSegment(area)}/`)}"`);
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
    // Version notes oldest first.
    const shownVersions = [...html.matchAll(/<dt>CRIU (\d+(?:\.\d+)+)<\/dt>/g)].map((m) => m[1]!);
    expect(shownVersions.length).toBe(data.criu.length);
    const num = (v: string) => v.split(".").map(Number).reduce((n, x, i) => n + x * 1000 ** (2 - i), 0);
    expect(shownVersions.map(num)).toEqual([...shownVersions.map(num)].sort((x, y) => x - y));
    for (const ref of data.refs) expect(html).toContain(`href="${ref.url.replace(/&/g, "&amp;")}"`);
    expect(html).toContain(`href="${editUrl(article.path)}"`);
    // The messages the rules look for, the options with their config lines, the way back to the area.
    for (const m of articleMessages(id, data)) expect(text).toContain(squash(m.text));
    for (const o of data.options) {
      expect(html).toContain(`href="${site(`/failures/option/${bare(o)}/`)}"`);
      expect(decode(html)).toContain(`<code>${configLine(o)}</code>`);
    }
    for (const r of data.related.filter((r) => built.has(r))) expect(html, r).toContain(`href="${site(`/failures/${r}/`)}"`);
    expect(html).toContain(`href="${site(`/failures/area/${areaSegment(data.area)}/`)}"`);
    // Pagefind runs the text of adjacent elements together when nothing separates them.
    expect(html).not.toMatch(/<\/pre><pre|<\/dt><dd/);
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
    expect(html).toMatch(/data-pagefind-meta="summary"/);
    expect(html).toMatch(/data-pagefind-sort="stage:2"/);
    // The options CRIU's own message names become a filter the search page uses to rank.
    expect(read("failures/tcp-established-connection/index.html")).toContain('data-pagefind-filter="names:--tcp-established"');
  });
});

describe("search and checker assets", () => {
  it("has the Pagefind bundle, and search forms that work as plain links to /search/", () => {
    expect(existsSync(join(DIST, "pagefind", "pagefind.js"))).toBe(true);
    const search = read("search/index.html");
    expect(search).toContain(`data-bundle="${site("/pagefind/")}"`);
    for (const name of ["q", "phase", "area", "option"]) expect(search, name).toMatch(new RegExp(`name="${name}"`));
    expect(search).toContain("<noscript>");
    for (const page of ["index.html", "failures/index.html", `failures/${articles[0]!.id}/index.html`]) {
      expect(read(page), page).toMatch(new RegExp(`<form[^>]*action="${site("/search/")}"[^>]*method="get"`));
    }
    // Filter values on the search page are the ones the articles carry.
    for (const area of new Set(articles.map((a) => a.frontmatter.area))) {
      expect(search, area).toContain(`value="${areaSegment(area)}" data-filter="${areaLabel(area)}"`);
    }
  });

  it("ships the checker form, its live results region and its worker", () => {
    const html = read("check/index.html");
    expect(html).toMatch(/<textarea[^>]*id="log"/);
    expect(html).toMatch(/<input[^>]*type="file"/);
    // The results region, and a live region that announces the outcome (the checker may set
    // aria-live on #results itself once it has something to say).
    expect(html).toMatch(/id="results"/);
    expect(html).toMatch(/aria-live="polite"|role="status"/);
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

  it("walks every page, the new indexes included", () => {
    const rel = new Set(pages.map((p) => relative(DIST, p)));
    for (const page of ["messages/index.html", "options/index.html", "failures/area/mounts/index.html", "failures/phase/pre-dump/index.html", "search/index.html"]) {
      expect(rel.has(page), page).toBe(true);
    }
    expect(pages.length).toBeGreaterThan(ruleset.articles.length + AREAS.length);
  });

  it("resolve to a page, and their #fragments to an element of it", () => {
    const searchPage = read("search/index.html");
    let checked = 0;
    const broken: string[] = [];
    for (const page of pages) {
      const html = readFileSync(page, "utf8");
      for (const [, url] of html.matchAll(/\shref="(\/[^"]*|#[^"]*)"/g)) {
        checked++;
        const [address, fragment] = decode(url!).split("#") as [string, string | undefined];
        const [path, query] = address.split("?") as [string, string | undefined];
        // A search link's filters must be values the search page offers.
        for (const [name, value] of new URLSearchParams(query ?? "")) {
          if (name !== "q" && !searchPage.includes(`<select name="${name}"`)) broken.push(`${relative(DIST, page)}: ${url} (no filter ${name})`);
          else if (name !== "q" && !searchPage.includes(`value="${value}"`)) broken.push(`${relative(DIST, page)}: ${url} (no ${name} ${value})`);
        }
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
    expect(checked).toBeGreaterThan(pages.length * 20);
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
