// The Content-Security-Policy (src/csp.mjs): every built page carries it as <meta>, before anything
// it governs; scripts/serve.mjs sends it as a header (with frame-ancestors); nothing on the pages is
// inline for it to refuse (no inline <script>, <style>, style="" or on*= handler); and in Chromium,
// with both the <meta> and the header in force, the pages work (search through Pagefind's
// WebAssembly and worker, the checker's worker, the message filter) without a single violation and
// without a request leaving the site's origin.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_HEADER } from "../src/csp.mjs";
import { MISSING, chromiumStatus, launchChromium } from "./helpers/browser.ts";
import { RESTORE_LOG, diagnosed, paste, rootCauseId } from "./helpers/checker.ts";
import { htmlFiles, startTags } from "./helpers/html.ts";
import { DIST, requireBuild, site } from "./helpers/paths.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

requireBuild();

const pages = htmlFiles(DIST);

describe("the policy", () => {
  const directives = new Map(CONTENT_SECURITY_POLICY.split(/;\s*/).map((d) => [d.split(" ")[0]!, d.split(" ").slice(1)]));

  it("allows only the site's own scripts, styles, workers and connections", () => {
    expect(directives.get("default-src")).toEqual(["'self'"]);
    expect(directives.get("script-src")).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directives.get("worker-src")).toEqual(["'self'"]);
    expect(directives.get("connect-src")).toEqual(["'self'"]);
    expect(directives.get("style-src")).toEqual(["'self'"]);
    expect(directives.get("img-src")).toEqual(["'self'", "data:"]);
    expect(directives.get("object-src")).toEqual(["'none'"]);
    expect(directives.get("base-uri")).toEqual(["'self'"]);
    expect(directives.get("form-action")).toEqual(["'self'"]);
    // Nothing a <meta> policy ignores (frame-ancestors, report-uri, sandbox) and nothing inline.
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/frame-ancestors|report-uri|sandbox|unsafe-inline|'unsafe-eval'|\*|https?:|blob:/);
    expect(CONTENT_SECURITY_POLICY_HEADER).toBe(`${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`);
  });
});

describe("built pages", () => {
  it("are all checked here", () => {
    expect(pages.length).toBeGreaterThan(100);
    expect(pages).toContain("index.html");
    expect(pages).toContain("404.html");
  });

  it.each(pages)("%s carries the policy as <meta>, first in <head>", (file) => {
    const html = readFileSync(join(DIST, file), "utf8");
    const tags = startTags(html);
    const metas = tags.filter((t) => t.name === "meta" && t.attrs.get("http-equiv")?.toLowerCase() === "content-security-policy");
    expect(metas.length).toBe(1);
    const policy = metas[0]!.attrs.get("content")!;
    expect(policy).toBe(CONTENT_SECURITY_POLICY);
    expect(policy).toContain("connect-src 'self'");
    // In <head>, before any script, stylesheet or other element that loads something.
    const head = tags.findIndex((t) => t.name === "head");
    const meta = tags.indexOf(metas[0]!);
    const body = tags.findIndex((t) => t.name === "body");
    expect(head).toBeGreaterThanOrEqual(0);
    expect(meta).toBeGreaterThan(head);
    expect(meta).toBeLessThan(body);
    const before = tags.slice(0, meta).filter((t) => !(t.name === "meta" && t.attrs.has("charset")) && !["html", "head"].includes(t.name));
    expect(before.map((t) => t.name)).toEqual([]);
  });

  it.each(pages)("%s has nothing inline for the policy to refuse", (file) => {
    const html = readFileSync(join(DIST, file), "utf8");
    const problems: string[] = [];
    for (const t of startTags(html)) {
      if (t.name === "script" && !t.attrs.get("src")) problems.push(`inline <script> at ${t.index}`);
      if (t.name === "style") problems.push(`<style> at ${t.index}`);
      if (t.name === "link" && /stylesheet/i.test(t.attrs.get("rel") ?? "") && !t.attrs.get("href")?.startsWith(site("/"))) {
        problems.push(`stylesheet from elsewhere: ${t.attrs.get("href")}`);
      }
      if (t.name === "script" && t.attrs.get("src") && !t.attrs.get("src")!.startsWith(site("/"))) problems.push(`script from elsewhere: ${t.attrs.get("src")}`);
      for (const [name, value] of t.attrs) {
        if (name === "style") problems.push(`style="${value}" on <${t.name}>`);
        if (name.startsWith("on")) problems.push(`${name}= on <${t.name}>`);
        if (["href", "src", "action", "formaction"].includes(name) && /^\s*javascript:/i.test(value)) problems.push(`${name}="${value}"`);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });
});

const status = chromiumStatus();
if (status !== "run") {
  describe("the policy in Chromium", () => {
    if (status === "fail") it("needs Chromium", () => expect.fail(`${MISSING}. CI is set, so a missing browser is a failure.`));
    else it.skip(MISSING, () => {});
  });
}

/** What a page did that the policy (or the page itself) objects to, from every channel Chromium has. */
interface Watch {
  page: Page;
  context: BrowserContext;
  /** securitypolicyviolation events of the documents, Audits issues, console messages about the policy. */
  violations: string[];
  /** Console errors and warnings of the pages and their workers, and uncaught errors. */
  errors: string[];
  /** Every request of the pages and their workers. */
  requests: string[];
}

describe.runIf(status === "run")("the policy in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  const url = (path: `/${string}`) => `${server.origin}${site(path)}`;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function watch(colorScheme: "light" | "dark" = "light"): Promise<Watch> {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 } });
    const w: Watch = { page: null as unknown as Page, context, violations: [], errors: [], requests: [] };
    await context.exposeBinding("__cspViolation", (_source, v: string) => void w.violations.push(v));
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        (window as unknown as { __cspViolation(v: string): void }).__cspViolation(`${e.effectiveDirective} refused ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
      });
    });
    const page = await context.newPage();
    w.page = page;
    const cdp = await context.newCDPSession(page);
    await cdp.send("Audits.enable");
    cdp.on("Audits.issueAdded", ({ issue }) => {
      if (issue.code === "ContentSecurityPolicyIssue") w.violations.push(`issue: ${JSON.stringify(issue.details.contentSecurityPolicyIssueDetails)}`);
    });
    const onConsole = (where: string) => (m: { type(): string; text(): string }) => {
      if (/content.security.policy/i.test(m.text())) w.violations.push(`${where}: ${m.text()}`);
      else if (m.type() === "error" || m.type() === "warning") w.errors.push(`${where} ${m.type()}: ${m.text()}`);
    };
    page.on("console", onConsole("page"));
    page.on("worker", (worker) => worker.on("console", onConsole(`worker ${worker.url()}`)));
    page.on("pageerror", (e) => w.errors.push(`uncaught: ${e.message}`));
    page.on("dialog", (d) => {
      w.errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    context.on("request", (r) => void w.requests.push(r.url()));
    return w;
  }

  /** Runs `body` in a fresh watched page, closing its context whatever happens. */
  async function watched(body: (w: Watch) => Promise<void>, colorScheme: "light" | "dark" = "light") {
    const w = await watch(colorScheme);
    try {
      await body(w);
    } finally {
      await w.context.close();
    }
  }

  /** No violation, no error, and no request beyond the site. */
  function expectClean(w: Watch) {
    expect(w.violations, "policy violations").toEqual([]);
    expect(w.errors, "console errors").toEqual([]);
    expect(w.requests.length).toBeGreaterThan(0);
    expect(w.requests.filter((r) => new URL(r).origin !== server.origin && !r.startsWith("data:"))).toEqual([]);
  }

  it("notices a violation when there is one (the watch itself works)", async () => {
    await watched(async (w) => {
      await w.page.goto(url("/"));
      await w.page.evaluate(async () => {
        const div = document.createElement("div");
        div.setAttribute("style", "color: red");
        document.body.append(div);
        const script = document.createElement("script");
        script.textContent = "window.__inline = 1";
        document.body.append(script);
        await fetch("https://example.com/").catch(() => {});
      });
      await w.page.waitForTimeout(300);
      const all = w.violations.join("\n");
      expect(all).toMatch(/style-src/);
      expect(all).toMatch(/script-src/);
      expect(all).toMatch(/connect-src/);
      await expect(w.page.evaluate(() => "__inline" in window)).resolves.toBe(false);
      expect(w.requests.some((r) => r.startsWith("https://example.com"))).toBe(false);
    });
  });

  it("is sent as a header with every response, with frame-ancestors", async () => {
    const worker = readdirSync(join(DIST, "_astro")).find((f) => /worker.*\.js$/.test(f))!;
    for (const path of ["/", "/check/", `/_astro/${worker}`, "/pagefind/pagefind-worker.js", "/rules.json", "/no-such-page/"] as const) {
      const res = await fetch(url(path));
      await res.arrayBuffer();
      expect(res.headers.get("content-security-policy"), path).toBe(CONTENT_SECURITY_POLICY_HEADER);
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
    }
  });

  it("lets the home page, an article, the indexes and the 404 page load without a violation", async () => {
    await watched(async (w) => {
      for (const path of ["/", "/failures/pid-mismatch/", "/failures/", "/failures/area/mounts/", "/options/", "/no-such-page/"] as const) {
        await w.page.goto(url(path));
        await w.page.waitForLoadState("networkidle");
      }
      // The message index filters as one types: its script is a file, and it ran.
      await w.page.goto(url("/messages/"));
      await w.page.locator("#message-filter").fill("proper root mount");
      await expect(w.page.locator("#message-filter-status").textContent()).resolves.toMatch(/\d/);
      // 404.html is served with status 404 by serve.mjs: Chromium logs that as a console error.
      w.errors = w.errors.filter((e) => !/status of 404/.test(e));
      expectClean(w);
    });
  });

  it("lets Pagefind search (WebAssembly in its worker, the index fetched from /pagefind/)", async () => {
    await watched(async (w) => {
      await w.page.goto(url(`/search/?q=${encodeURIComponent("proper root mount")}`));
      await w.page.waitForSelector("[data-search][data-state=done]");
      await expect(w.page.locator("[data-search-results] > li").count()).resolves.toBeGreaterThan(0);
      expect(w.requests.some((r) => r.includes("/pagefind/") && r.includes("wasm"))).toBe(true);
      expectClean(w);
    });
  });

  it("lets the checker diagnose in its worker, show the log and reopen a shared diagnosis", async () => {
    await watched(async (w) => {
      await w.page.goto(url("/check/"));
      await w.page.waitForSelector("#checker[data-state=ready]");
      await paste(w.page, RESTORE_LOG);
      await diagnosed(w.page);
      await expect(rootCauseId(w.page)).resolves.toBe("pid-mismatch");
      await w.page.locator("#results .ck-card--root button.ck-show").click();
      await w.page.locator("#logview-scroller .ck-row--target:not(.ck-row--loading)").waitFor();
      const { hash } = new URL(await w.page.locator("#share-url").inputValue());
      await w.page.goto(url(`/check/${hash}`));
      await w.page.waitForSelector("#checker[data-state=done]");
      await expect(rootCauseId(w.page)).resolves.toBe("pid-mismatch");
      expectClean(w);
    });
  });

  for (const scheme of ["light", "dark"] as const) {
    it(`colours code blocks from classes, not inline styles (${scheme})`, async () => {
      await watched(async (w) => {
        await w.page.goto(url("/failures/pid-mismatch/"));
        const pre = w.page.locator("pre.astro-code").first();
        const colours = await pre.evaluate((el) => {
          const token = [...el.querySelectorAll("span span")].find((s) => /\bsl-c-/.test(s.className) && !/sl-c-1f2328/.test(s.className))!;
          return { bg: getComputedStyle(el).backgroundColor, fg: getComputedStyle(el).color, token: getComputedStyle(token).color, style: el.outerHTML.includes("style=") };
        });
        expect(colours.style).toBe(false);
        // github-light-default: #ffffff on #1f2328; github-dark-default: #0d1117 and #e6edf3.
        expect(colours.bg).toBe(scheme === "light" ? "rgb(255, 255, 255)" : "rgb(13, 17, 23)");
        expect(colours.fg).toBe(scheme === "light" ? "rgb(31, 35, 40)" : "rgb(230, 237, 243)");
        expect(colours.token).not.toBe(colours.fg);
        expectClean(w);
      }, scheme);
    });
  }
});
