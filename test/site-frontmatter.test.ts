// Frontmatter that contains markup is shown as text, wherever the site shows it. The proof is a
// real build: a copy of the site (astro.config.mjs, src/, rules/, public/) is built from two
// fixture articles, one whose title, summary, fix, command, version note and reference carry
// markup and script payloads, through the same steps as `npm run build` (the rule compiler, Astro,
// Pagefind). Then every built page is checked for the payloads in raw form, and Chromium reads the
// article, the lists, the search results and the checker's report (which reads the compiled rule
// set, as /rules.json consumers do) for elements, handlers and flags the payloads would leave.
// /rules.json itself carries the text exactly as written: escaping is the reader's job.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MISSING, chromiumStatus, launchChromium } from "./helpers/browser.ts";
import { diagnosed, paste } from "./helpers/checker.ts";
import { htmlFiles, startTags } from "./helpers/html.ts";
import { ROOT, site } from "./helpers/paths.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";
import { traces } from "./helpers/traces.ts";

const TITLE = "Probe <b>bold</b> & <script>window.__pwned=1</script> failure";
const SUMMARY = `A summary with <img src=x onerror=window.__pwned=2> and <b>bold</b>, "quotes" & ampersands, long enough.`;
const FIX = "Run the fix <script>window.__pwned=3</script> with <b>care</b>, then retry.";
const COMMAND = "echo '<img src=x onerror=window.__pwned=4>' {what}";
const CHANGE = `Changed <b>this</b> "><svg onload=window.__pwned=5> behaviour.`;
const REF = "Ref <svg onload=window.__pwned=6> [docs](javascript:window.__pwned=7) title";
const REF_URL = `https://criu.org/Probe?a=1&b="><svg onload=window.__pwned=8>`;
const yaml = (s: string) => JSON.stringify(s);

const PROBE = `---
title: ${yaml(TITLE)}
summary: ${yaml(SUMMARY)}
phase: [restore]
area: process tree
match:
  - pattern: 'Markup probe (?<what>\\w+) failed'
    tag: error
examples:
  - "(00.1) Error (criu/probe.c:1): Markup probe x failed"
  - "Error (probe.c:9): Markup probe yy failed"
counterexamples:
  - "(00.1) Markup probe x failed"
fixes:
  - text: ${yaml(FIX)}
    command: ${yaml(COMMAND)}
criu:
  - version: "3.17"
    change: ${yaml(CHANGE)}
refs:
  - title: ${yaml(REF)}
    url: ${yaml(REF_URL)}
related: [plain-neighbour]
---

## What it means

A fixture article for test/site-frontmatter.test.ts.
`;

const NEIGHBOUR = `---
title: "A plain neighbour article"
summary: "An article in the same area, so that the lists and related links show the probe."
phase: [restore]
area: process tree
match:
  - pattern: 'Plain neighbour (?<what>\\w+) failed'
    tag: error
examples:
  - "(00.1) Error (criu/plain.c:1): Plain neighbour x failed"
  - "Error (plain.c:9): Plain neighbour yy failed"
counterexamples:
  - "(00.1) Plain neighbour x failed"
fixes:
  - text: "Do the plain thing and try again."
refs:
  - title: "criu.org"
    url: "https://criu.org/"
related: [markup-probe]
---

## What it means

Nothing to see.
`;

let work: string;
let dist: string;

/** Runs a build step in the copy; a failure fails the test with the step's output. */
function step(cmd: string, args: string[]) {
  const r = spawnSync(join(ROOT, "node_modules", ".bin", cmd), args, { cwd: work, encoding: "utf8", timeout: 240_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status ?? r.signal}):\n${(r.stdout + r.stderr).slice(-3000)}`);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "criu-doctor-frontmatter-"));
  for (const entry of ["astro.config.mjs", "tsconfig.json", "package.json", "src", "rules", "public"]) {
    cpSync(join(ROOT, entry), join(work, entry), { recursive: true, filter: (from) => !from.includes(`${join("rules", "generated")}`) });
  }
  symlinkSync(join(ROOT, "node_modules"), join(work, "node_modules"), "dir");
  mkdirSync(join(work, "content", "failures"), { recursive: true });
  writeFileSync(join(work, "content", "failures", "markup-probe.mdx"), PROBE);
  writeFileSync(join(work, "content", "failures", "plain-neighbour.mdx"), NEIGHBOUR);
  // Astro keeps its content cache in node_modules/.astro by default: this build keeps its own, so
  // that it never mixes with the project's.
  writeFileSync(join(work, "astro.fixture.config.mjs"), 'import config from "./astro.config.mjs";\nexport default { ...config, cacheDir: "./.astro-cache" };\n');
  step("tsx", ["rules/build-rules.ts"]);
  step("astro", ["build", "--config", "astro.fixture.config.mjs", "--silent"]);
  step("pagefind", ["--site", "dist"]);
  dist = join(work, "dist");
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("frontmatter with markup, built", () => {
  it("is in /rules.json exactly as written", () => {
    const rules = JSON.parse(readFileSync(join(dist, "rules.json"), "utf8")) as {
      articles: { id: string; title: string; summary: string; fixes: { text: string; command?: string }[] }[];
    };
    const probe = rules.articles.find((a) => a.id === "markup-probe")!;
    expect(probe.title).toBe(TITLE);
    expect(probe.summary).toBe(SUMMARY);
    expect(probe.fixes).toEqual([{ text: FIX, command: COMMAND }]);
  });

  it("never appears as markup in any built page", () => {
    const pages = htmlFiles(dist);
    expect(pages).toContain(join("failures", "markup-probe", "index.html"));
    const found: string[] = [];
    for (const page of pages) {
      for (const t of startTags(readFileSync(join(dist, page), "utf8"))) {
        if (t.name === "b" || t.name === "img" || (t.name === "script" && !t.attrs.has("src"))) found.push(`${page}: <${t.name}>`);
        if (t.name === "svg" && t.attrs.get("aria-hidden") !== "true") found.push(`${page}: <svg>`);
        for (const [name, value] of t.attrs) {
          if (name.startsWith("on")) found.push(`${page}: ${name}= on <${t.name}>`);
          if (["href", "src"].includes(name) && /^\s*javascript:/i.test(value)) found.push(`${page}: ${name}=${value}`);
        }
      }
    }
    expect(found).toEqual([]);
    // Escaped text in the article's <title> and <h1>; in attributes (the description, the reference
    // link) the values read back exactly, the link as the URL parser writes it.
    const html = readFileSync(join(dist, "failures", "markup-probe", "index.html"), "utf8");
    expect(html).toContain("Probe &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;window.__pwned=1&lt;/script&gt; failure");
    const tags = startTags(html);
    expect(tags.find((t) => t.name === "meta" && t.attrs.get("name") === "description")?.attrs.get("content")).toBe(SUMMARY);
    expect(tags.some((t) => t.name === "a" && t.attrs.get("href") === new URL(REF_URL).href)).toBe(true);
  });
});

const status = chromiumStatus();
if (status !== "run") {
  describe("frontmatter with markup, in Chromium", () => {
    if (status === "fail") it("needs Chromium", () => expect.fail(`${MISSING}. CI is set, so a missing browser is a failure.`));
    else it.skip(MISSING, () => {});
  });
}

describe.runIf(status === "run")("frontmatter with markup, in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startServer(`${dist}/`);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on("pageerror", (e) => errors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });

  const open = (path: `/${string}`) => page.goto(`${server.origin}${site(path)}`);
  const text = () => page.evaluate(() => document.body.innerText.replace(/\s+/g, " "));

  it("shows it as text on the article page", async () => {
    await open("/failures/markup-probe/");
    await expect(page.title()).resolves.toBe(`${TITLE} · criu-doctor`);
    await expect(page.locator('meta[name="description"]').getAttribute("content")).resolves.toBe(SUMMARY);
    await expect(page.locator("h1").innerText()).resolves.toBe(TITLE);
    await expect(page.locator(".lead").innerText()).resolves.toBe(SUMMARY);
    const shown = await text();
    for (const s of [FIX, COMMAND, CHANGE, REF]) expect(shown).toContain(s);
    await expect(page.locator(".refs a").first().getAttribute("href")).resolves.toBe(new URL(REF_URL).href);
    await expect(page.locator(".refs a").first().innerText()).resolves.toBe(REF);
    expect(await traces(page, "body")).toEqual([]);
  });

  it("shows it as text in the lists and related links of other pages", async () => {
    for (const path of ["/", "/failures/", "/failures/area/process-tree/", "/failures/phase/restore/", "/failures/plain-neighbour/", "/messages/"] as const) {
      await open(path);
      expect(await text(), path).toContain(TITLE);
      expect(await traces(page, "body"), path).toEqual([]);
    }
  });

  it("shows it as text in search results", async () => {
    await open(`/search/?q=${encodeURIComponent("probe")}`);
    await page.waitForSelector("[data-search][data-state=done]");
    await expect(page.locator(".search-result__title").first().innerText()).resolves.toBe(TITLE);
    await expect(page.locator(".search-result__summary").first().innerText()).resolves.toBe(SUMMARY);
    expect(await traces(page, "body")).toEqual([]);
  });

  it("shows it as text in the checker's report, which reads the compiled rule set", async () => {
    await open("/check/");
    await page.waitForSelector("#checker[data-state=ready]");
    await paste(page, "(00.1) Error (criu/probe.c:1): Markup probe x failed\n");
    await diagnosed(page);
    const card = page.locator('#results [data-finding="markup-probe"]');
    await expect(card.locator(".ck-card__title").innerText()).resolves.toBe(TITLE);
    await expect(card.locator(".ck-card__summary").innerText()).resolves.toBe(SUMMARY);
    await expect(card.locator(".ck-fixes li p").first().innerText()).resolves.toBe(FIX);
    await expect(card.locator("pre.command").first().innerText()).resolves.toBe(COMMAND.replace("{what}", "x"));
    expect(await traces(page, "body")).toEqual([]);
  });
});
