// Search in a real browser: the search page runs the real Pagefind index of dist/, as a reader
// would. An exact message fragment, a pasted log line or a CRIU option puts the right article
// first; the phase, area and option filters narrow the results; the URL keeps the search.
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadArticles } from "../rules/build-rules.ts";
import { readArticle } from "../rules/compile.ts";
import { ruleset } from "../rules/generated/ruleset.ts";
import { articleMessages } from "../src/lib/messages.ts";
import { MISSING, chromiumStatus, launchChromium } from "./helpers/browser.ts";
import { DIST, requireBuild, site } from "./helpers/paths.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

const status = chromiumStatus();
if (status !== "run") {
  describe("search in Chromium", () => {
    if (status === "fail") it("needs Chromium", () => expect.fail(`${MISSING}. CI is set, so a missing browser is a failure.`));
    else it.skip(MISSING, () => {});
  });
}

const built = new Set(ruleset.articles.map((a) => a.id));
const builtSearch = (() => {
  try {
    return readFileSync(`${DIST}search/index.html`, "utf8");
  } catch {
    return "";
  }
})();

describe.runIf(status === "run")("search in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    requireBuild();
    server = await startServer();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${server.origin}${site("/search/")}`);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Types a query into the search page (as Enter does), waits for the results, returns their article ids. */
  async function search(query: string): Promise<string[]> {
    await page.locator("#q").fill(query);
    await page.locator("#q").press("Enter");
    await page.waitForFunction(
      (q) => {
        const root = document.querySelector<HTMLElement>("[data-search]");
        return root?.dataset.state === "done" && root.dataset.query === q;
      },
      query,
      { timeout: 15_000 },
    );
    const hrefs = await page.locator(".search-result__title").evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
    return hrefs.map((h) => h.slice(site("/failures/").length).replace(/\/$/, ""));
  }

  // The queries a reader types: message fragments as CRIU prints them (and as people retype them),
  // whole pasted lines with other numbers, and options with and without their dashes.
  const CASES: [string, string][] = [
    ["doesn't have a proper root mount", "mount-no-proper-root"],
    ["Cannot dump half of a stream unix connection", "unix-stream-half-connection"],
    ["Can't dump half of stream unix connection", "unix-stream-half-connection"],
    ["--tcp-established", "tcp-established-connection"],
    ["tcp-established", "tcp-established-connection"],
    ["--ext-unix-sk", "unix-external-socket"],
    ["ext-unix-sk", "unix-external-socket"],
    ["--shell-job", "shell-job-required"],
    ["--file-locks", "file-locks"],
    ["Pid 17550 do not match expected 16817", "pid-mismatch"],
    // A whole line from another log: other timestamp, PIDs, source line.
    ["(00.514212)   4242: Error (criu/cr-restore.c:1601): Pid 31337 do not match expected 4242", "pid-mismatch"],
    ["Error (criu/mount.c:1021): mnt: 77:./srv/data doesn't have a proper root mount", "mount-no-proper-root"],
    ['time="2024-05-02T10:00:00Z" level=error msg="criu failed: type NOTIFY errno 0"', "runc-criu-failed"],
    ["External socket is used", "unix-external-socket"],
    ["Connected TCP socket, consider using --tcp-established option", "tcp-established-connection"],
  ];

  it.each(CASES.filter(([, id]) => built.has(id)))("puts the right article first for %s", async (query, id) => {
    const results = await search(query);
    expect(results[0], `${query} -> ${results.slice(0, 3).join(", ")}`).toBe(id);
  });

  it("puts each rule's own article first for the messages of all the rules", { timeout: 600_000 }, async () => {
    const articles = loadArticles()
      .map((src) => readArticle(src))
      .filter((a) => built.has(a.id));
    const messages = articles.flatMap((a) => articleMessages(a.id, a.frontmatter).map((m) => ({ id: a.id, text: m.text })));
    // The same message in two articles (a generic exec failure, say): either article is right.
    const owners = new Map<string, Set<string>>();
    for (const m of messages) owners.set(m.text, new Set([...(owners.get(m.text) ?? []), m.id]));
    const first: string[] = [];
    const top3: string[] = [];
    for (const m of messages) {
      const results = await search(m.text);
      const right = owners.get(m.text)!;
      if (!right.has(results[0] ?? "")) first.push(`${m.id}: ${m.text} -> ${results.slice(0, 3).join(", ")}`);
      if (!results.slice(0, 3).some((r) => right.has(r))) top3.push(`${m.id}: ${m.text} -> ${results.slice(0, 3).join(", ")}`);
    }
    if (first.length) console.log(`Messages whose article is not first (${first.length} of ${messages.length}):\n  ${first.join("\n  ")}`);
    expect(messages.length).toBeGreaterThan(300);
    // Pagefind ranks words; messages made of words every wrapper article quotes ("exited, status=1")
    // can rank another article first. Nearly all must not, and none may fall out of the top three
    // beyond a handful.
    expect(first.length / messages.length, first.join("\n")).toBeLessThanOrEqual(0.02);
    expect(top3.length, top3.join("\n")).toBeLessThanOrEqual(2);
    expect(errors).toEqual([]);
  });

  it("narrows by phase, area and option, and keeps the search in the URL", async () => {
    await page.goto(`${server.origin}${site("/search/")}?q=${encodeURIComponent("TCP socket")}&phase=restore`);
    await page.waitForFunction(() => document.querySelector<HTMLElement>("[data-search]")?.dataset.state === "done");
    const metas = await page.locator(".search-result__meta").allTextContents();
    expect(metas.length).toBeGreaterThan(0);
    for (const meta of metas) expect(meta).toContain("restore");
    await expect(page.locator("select[name=phase]").inputValue()).resolves.toBe("restore");

    // Changing a filter searches again and updates the address.
    await page.locator("select[name=area]").selectOption("sockets");
    await page.waitForURL(/area=sockets/);
    await page.waitForFunction(() => document.querySelector<HTMLElement>("[data-search]")?.dataset.state === "done");
    for (const meta of await page.locator(".search-result__meta").allTextContents()) {
      expect(meta).toContain("restore");
      expect(meta).toContain("Sockets");
    }
    expect(new URL(page.url()).searchParams.get("q")).toBe("TCP socket");

    // The option filter alone lists the articles that name the option.
    await page.goto(`${server.origin}${site("/search/")}?option=tcp-established`);
    await page.waitForFunction(() => document.querySelector<HTMLElement>("[data-search]")?.dataset.state === "done");
    const ids = await page.locator(".search-result__title").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    const naming = ruleset.articles.filter((a) => a.options.includes("--tcp-established")).map((a) => site(`/failures/${a.id}/`));
    expect(ids.length).toBe(Math.min(naming.length, 15));
    for (const id of ids) expect(naming).toContain(id);
    expect(errors).toEqual([]);
  });

  it("searches from the header's search box on any page", async () => {
    await page.goto(`${server.origin}${site("/failures/")}`);
    await page.locator("#site-search").fill("doesn't have a proper root mount");
    await page.locator("#site-search").press("Enter");
    await page.waitForURL(/\/search\/\?q=/);
    await page.waitForFunction(() => document.querySelector<HTMLElement>("[data-search]")?.dataset.state === "done");
    const first = page.locator(".search-result__title").first();
    await expect(first.getAttribute("href")).resolves.toBe(site("/failures/mount-no-proper-root/"));
    // The result shows the article's summary and where the words matched.
    await expect(page.locator(".search-result__summary").first().textContent()).resolves.toBeTruthy();
    await expect(page.locator(".search-result__excerpt mark").count()).resolves.toBeGreaterThan(0);
    await expect(page.locator("[data-search-status]").textContent()).resolves.toMatch(/\d+ articles? for/);
  });

  it("says so when nothing matches", async () => {
    await page.goto(`${server.origin}${site("/search/")}`);
    // Pagefind also matches an indexed word that begins a query word ("x" in "100 x 100ms" for
    // "xylophone"), so nonsense in Latin letters can match as the articles change. No article
    // has Cyrillic text: these words cannot match anything.
    expect(await search("ксилофон жужжалка")).toEqual([]);
    await expect(page.locator("[data-search-status]").textContent()).resolves.toContain("No article matches");
    expect(builtSearch).toContain("<noscript>");
  });
});
