// The site's pages in a real browser: the ways in (indexes by phase, area, option and message),
// reading without JavaScript, phone and desktop widths, light and dark themes, and an axe-core
// accessibility scan. Screenshots of the main pages at both widths go to test-results/screenshots/.
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ruleset } from "../rules/generated/ruleset.ts";
import { AREAS } from "../rules/vocabulary.ts";
import { MISSING, chromiumStatus, launchChromium } from "./helpers/browser.ts";
import { ROOT, requireBuild, site } from "./helpers/paths.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

const status = chromiumStatus();
if (status !== "run") {
  describe("site pages in Chromium", () => {
    if (status === "fail") it("needs Chromium", () => expect.fail(`${MISSING}. CI is set, so a missing browser is a failure.`));
    else it.skip(MISSING, () => {});
  });
}

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const SHOTS = join(ROOT, "test-results", "screenshots");
const ARTICLE = ruleset.articles.some((a) => a.id === "mount-no-proper-root") ? "mount-no-proper-root" : ruleset.articles[0]!.id;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

/** The pages every check below visits. */
const PAGES: [string, `/${string}`][] = [
  ["home", "/"],
  ["article", `/failures/${ARTICLE}/`],
  ["articles", "/failures/"],
  ["area", "/failures/area/mounts/"],
  ["phase", "/failures/phase/restore/"],
  ["option", "/failures/option/tcp-established/"],
  ["options", "/options/"],
  ["messages", "/messages/"],
  ["search", `/search/?q=${encodeURIComponent("proper root mount")}`],
  ["checker", "/check/"],
  ["404", "/no-such-page/"],
];

describe.runIf(status === "run")("site pages in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    requireBuild();
    server = await startServer();
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(path: string, options: Parameters<Browser["newContext"]>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: DESKTOP, ...options });
    const page = await context.newPage();
    page.on("pageerror", (e) => errors.push(`${path}: ${e.message}`));
    await page.goto(`${server.origin}${site(path as `/${string}`)}`);
    if (path.startsWith("/search/")) await page.waitForSelector("[data-search][data-state=done]");
    if (path === "/check/") await page.waitForSelector("#checker[data-state=ready]");
    return { context, page };
  }

  it("browses by phase, area and option, each page linking its articles", async () => {
    const { context, page } = await open("/failures/area/mounts/");
    try {
      const mounts = ruleset.articles.filter((a) => a.area === "mounts");
      await expect(page.locator("h1").textContent()).resolves.toBe("Mounts");
      for (const a of mounts) await expect(page.locator(`main a[href="${site(`/failures/${a.id}/`)}"]`).count()).resolves.toBeGreaterThan(0);
      // Every other area is one click away.
      await expect(page.locator(".browse--after a").count()).resolves.toBe(AREAS.length - 1);

      await page.goto(`${server.origin}${site("/failures/phase/pre-dump/")}`);
      const preDump = ruleset.articles.filter((a) => a.phase.includes("pre-dump") || a.phase.includes("any"));
      await expect(page.locator("main .article-list > li").count()).resolves.toBe(preDump.length);

      await page.goto(`${server.origin}${site("/failures/option/tcp-established/")}`);
      await expect(page.locator("h1").textContent()).resolves.toContain("--tcp-established");
      await expect(page.locator("main").textContent()).resolves.toContain("tcp-established in /etc/criu/default.conf");
    } finally {
      await context.close();
    }
  });

  it("indexes the options with their config-file lines and anchors", async () => {
    const { context, page } = await open("/options/#tcp-established");
    try {
      const card = page.locator("section#tcp-established");
      await expect(card.locator("h2").textContent()).resolves.toContain("--tcp-established");
      await expect(card.locator(".option-card__config code").textContent()).resolves.toBe("tcp-established");
      await expect(card.locator(`a[href="${site("/failures/tcp-established-connection/")}"]`).count()).resolves.toBe(1);
      // The anchor brings the card into view.
      await expect(card.isVisible()).resolves.toBe(true);
      const options = new Set(ruleset.articles.flatMap((a) => a.options));
      await expect(page.locator("section.option-card").count()).resolves.toBe(options.size);
    } finally {
      await context.close();
    }
  });

  it("indexes the messages, each with its article, and filters them as you type", async () => {
    const { context, page } = await open("/messages/");
    try {
      const entry = page.locator("#mount-no-proper-root");
      await expect(entry.locator("code.message").first().textContent()).resolves.toContain("doesn't have a proper root mount");
      await expect(entry.locator(`h3 a[href="${site("/failures/mount-no-proper-root/")}"]`).count()).resolves.toBe(1);
      await expect(page.locator(".message-entry").count()).resolves.toBe(ruleset.articles.length);

      await page.locator("#message-filter").fill("proper root mount");
      await expect(page.locator(".message-entry:visible").count()).resolves.toBeGreaterThanOrEqual(1);
      await expect(entry.isVisible()).resolves.toBe(true);
      await expect(page.locator("#pid-mismatch").isVisible()).resolves.toBe(false);
      await expect(page.locator("#message-filter-status").textContent()).resolves.toMatch(/^\d+ of \d+ articles$/);
      await page.locator("#message-filter").fill("");
      await expect(page.locator("#pid-mismatch").isVisible()).resolves.toBe(true);
    } finally {
      await context.close();
    }
  });

  it("shows an article without JavaScript: messages, examples, fixes, versions, references, edit link", async () => {
    const { context, page } = await open(`/failures/${ARTICLE}/`, { javaScriptEnabled: false });
    try {
      await expect(page.locator("ul.messages code.message mark").count()).resolves.toBeGreaterThan(0);
      await expect(page.locator("pre.logline").count()).resolves.toBeGreaterThan(1);
      await expect(page.locator("ol.fixes > li").count()).resolves.toBeGreaterThan(0);
      await expect(page.locator("ul.refs > li").count()).resolves.toBeGreaterThan(0);
      await expect(page.locator(".edit a", { hasText: "Edit this page" }).getAttribute("href")).resolves.toMatch(/\/edit\/.*content\/failures\/.*\.mdx$/);
      await expect(page.locator(".breadcrumbs a").count()).resolves.toBe(2);
      // The search-only words stay out of sight.
      await expect(page.locator(".search-terms").isVisible()).resolves.toBe(false);
      // The search page says what to do instead.
      await page.goto(`${server.origin}${site("/search/")}`);
      await expect(page.locator("noscript").first().textContent()).resolves.toContain("needs JavaScript");
    } finally {
      await context.close();
    }
  });

  for (const [name, viewport] of [
    ["phone", PHONE],
    ["desktop", DESKTOP],
  ] as const) {
    it(`fits a ${name} screen (${viewport.width} px) without sideways scrolling, and takes screenshots`, { timeout: 240_000 }, async () => {
      const { context, page } = await open("/", { viewport });
      try {
        const wide: string[] = [];
        for (const [label, path] of PAGES) {
          await page.goto(`${server.origin}${site(path)}`);
          if (path.startsWith("/search/")) await page.waitForSelector("[data-search][data-state=done]");
          if (path === "/check/") await page.waitForSelector("#checker[data-state=ready]");
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          if (overflow > 0) {
            const culprits = await page.evaluate(() =>
              [...document.querySelectorAll<HTMLElement>("main *, header *, footer *")]
                .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                .slice(0, 3)
                .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
            );
            wide.push(`${label}: ${overflow}px (${culprits.join(", ")})`);
          }
          if (["home", "article", "checker", "messages", "options", "search"].includes(label)) {
            await page.screenshot({ path: join(SHOTS, `${label}-${name}.png`), fullPage: label !== "messages" });
          }
        }
        expect(wide).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it("follows the dark setting of the system", async () => {
    const { context, page } = await open(`/failures/${ARTICLE}/`, { colorScheme: "dark", viewport: PHONE });
    try {
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const [r, g, b] = bg.match(/\d+/g)!.map(Number);
      expect(r! + g! + b!, bg).toBeLessThan(150);
      await page.screenshot({ path: join(SHOTS, "article-phone-dark.png"), fullPage: true });
      await page.goto(`${server.origin}${site("/")}`);
      await page.screenshot({ path: join(SHOTS, "home-desktop-dark.png") });
    } finally {
      await context.close();
    }
  });

  for (const scheme of ["light", "dark"] as const) {
    it(`has no accessibility violations (axe-core, ${scheme} theme)`, { timeout: 240_000 }, async () => {
      const { context, page } = await open("/", { colorScheme: scheme });
      try {
        const found: string[] = [];
        for (const [label, path] of PAGES.filter(([l]) => l !== "checker")) {
          await page.goto(`${server.origin}${site(path)}`);
          if (path.startsWith("/search/")) await page.waitForSelector("[data-search][data-state=done]");
          // Evaluated as the test driver's script: the page's Content-Security-Policy refuses inline <script>.
          await page.evaluate(AXE);
          const violations = await page.evaluate(async () => {
            const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
            const r = await axe.run(document, { resultTypes: ["violations"] });
            return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`);
          });
          for (const v of violations) found.push(`${label}: ${v}`);
        }
        expect(found).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it("raised no script errors", () => {
    expect(errors).toEqual([]);
  });
});
