// The checker in a real browser: Debian's Chromium through playwright-core, against dist/ served by
// scripts/serve.mjs. A pasted, dropped, opened or typed log is diagnosed in the worker, the root
// cause links to its article, log text is only ever text, and nothing is fetched while checking.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { beforeEach, describe, expect, it } from "vitest";
import { paste as pasteInto, reportMissingChromium, status, useChecker, type CheckerPage } from "./helpers/checker.ts";
import { site } from "./helpers/paths.ts";

const checker = useChecker();
reportMissingChromium();

/** A restore that failed because the PID was taken, as `criu restore -v4 -o restore.log` writes it. */
const RESTORE_LOG = `(00.000000) Version: 3.17.1 (gitid 0)
(00.000035) Running on web01 Linux 5.4.0-150-generic #167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023 x86_64
(00.000049) Would overwrite RPC settings with values from /etc/criu/default.conf
(00.000091) Loaded kdat cache from /run/criu.kdat
(00.000320) cpu: x86_family 6 x86_vendor_id GenuineIntel x86_model_id Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz
(00.000352) cpu: fpu: xfeatures_mask 0x2e5 xsave_size 2696 xsave_size_max 2696 xsaves_size 2440
(00.000401) Reading image tree
(00.000433) Add mnt ns 5 pid 16817
(00.000467) Migrating process tree (SID 16810->16810)
(00.000512) Will restore in 0 namespaces
(00.000530) Running pre-restore scripts
(00.001204) Preparing info about shared resources
(00.001890) Collecting 31/56 (flags 0)
(00.002477) No tty-info.img image
(00.004112) Forking task with 16817 pid (flags 0x0)
(00.020011)  16817: Restoring 16817 with pid 16817
(00.021345)  16817: Error (criu/cr-restore.c:1539): Pid 17550 do not match expected 16817
(00.021402) Error (criu/cr-restore.c:1424): 17550 exited, status=1
(00.021867) Error (criu/cr-restore.c:2447): Restoring FAILED.
`;
const ROOT_CAUSE_LINE = 17;

describe.runIf(status === "run")("the checker in Chromium", () => {
  let checked: CheckerPage;
  let page: Page;

  beforeEach(async () => {
    checked = await checker.open();
    page = checked.page;
  });

  /** Dispatches a real paste event carrying `text`, as the browser does for Ctrl+V. */
  const paste = (text: string, selector?: string) => pasteInto(page, text, selector);
  const diagnosed = () => page.waitForSelector("#checker[data-state=done]");
  const rootCause = () => page.locator("#results .ck-card--root");

  it("finds the root cause of a pasted restore log and links to its article", async () => {
    await paste(RESTORE_LOG);
    await diagnosed();

    const card = rootCause();
    await expect(card.getAttribute("data-finding")).resolves.toBe("pid-mismatch");
    const link = card.locator("h3 a");
    await expect(link.getAttribute("href")).resolves.toBe(site("/failures/pid-mismatch/"));
    await expect(link.textContent()).resolves.toBe("PID already taken on restore");
    await expect(card.locator(".ck-ex__where").first().textContent()).resolves.toBe(`Line ${ROOT_CAUSE_LINE}`);
    await expect(card.locator(".ck-ex__pre mark").textContent()).resolves.toBe("Pid 17550 do not match expected 16817");
    await expect(card.locator(".ck-captures").textContent()).resolves.toContain("16817");
    // The fix command has the captured PID filled in.
    await expect(card.locator("pre.command mark.capture").first().textContent()).resolves.toBe("16817");
    const context = await page.locator("#results .ck-detected").textContent();
    expect(context).toContain("3.17.1");
    expect(context).toContain("restore");
    // The result is announced by the status line (role=status is a polite live region).
    await expect(page.locator("#status").getAttribute("role")).resolves.toBe("status");
    await expect(page.locator("#status").textContent()).resolves.toContain("Root cause: PID already taken on restore, line 17.");
    expect(checked.requests, "requests while diagnosing").toEqual([]);

    await link.click();
    await page.waitForURL(`${checker.server().origin}${site("/failures/pid-mismatch/")}`);
    await expect(page.locator("h1").textContent()).resolves.toBe("PID already taken on restore");
    expect(checked.requests.length, "the request monitor sees the navigation").toBeGreaterThan(0);
  });

  it("takes a real Ctrl+V from the system clipboard", async () => {
    await checked.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: checker.server().origin });
    await page.evaluate((text) => navigator.clipboard.writeText(text), RESTORE_LOG);
    checked.requests.length = 0;
    await page.locator("#log").focus();
    await page.keyboard.press("Control+V");
    await diagnosed();
    await expect(rootCause().getAttribute("data-finding")).resolves.toBe("pid-mismatch");
    // A log this small goes into the textarea, where it can be edited and checked again.
    await expect(page.locator("#log").inputValue()).resolves.toBe(RESTORE_LOG);
    // The copy button of a fix command copies it with the captured PID filled in.
    const box = rootCause().locator(".ck-command", { has: page.locator("mark.capture") }).first();
    await box.locator("button.ck-copy").click();
    await expect(box.locator("button.ck-copy").textContent()).resolves.toBe("Copied");
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(await box.locator("pre").textContent());
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toContain("16817");
    expect(checked.requests).toEqual([]);
  });

  it("renders log text as text: no element, no script, no dialog", async () => {
    const hostile = [
      `(00.021345)  16817: Error (criu/cr-restore.c:1539): Pid 17550 do not match expected 16817 <img src=x onerror="window.__pwned=1;alert(1)">`,
      `(00.021402) Error (criu/xss-probe.c:1): unexplained <script>window.__pwned=2;alert(2)</script> message`,
      `(00.021500) Error (criu/xss-probe.c:2): also unexplained <img src=x onerror=alert(3)><svg onload=alert(4)></svg> &amp; <b>bold</b>`,
    ].join("\n");
    await paste(hostile);
    await diagnosed();

    await expect(page.locator("#results img, #results script, #results svg, #results b").count()).resolves.toBe(0);
    const text = (await page.locator("#results").textContent()) ?? "";
    expect(text).toContain(`<img src=x onerror="window.__pwned=1;alert(1)">`);
    expect(text).toContain("<script>window.__pwned=2;alert(2)</script>");
    expect(text).toContain("<svg onload=alert(4)></svg> &amp; <b>bold</b>");
    await expect(rootCause().getAttribute("data-finding")).resolves.toBe("pid-mismatch");
    await page.waitForTimeout(200);
    expect(checked.dialogs).toEqual([]);
    await expect(page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    expect(checked.requests, "requests while diagnosing").toEqual([]);
  });

  it("diagnoses a file opened with the file input, read in chunks by the worker", async () => {
    // ~9 MB: the worker reads it in several slices; the cause sits far past the first one.
    const filler = Array.from({ length: 150_000 }, (_, i) => `(00.${String(i).padStart(6, "0")})  16817: Restoring fd 3 (state -> prepare) of /usr/lib/x86_64-linux-gnu/libc.so.6`);
    const log = RESTORE_LOG.replace("(00.004112) Forking", `${filler.join("\n")}\n(00.004112) Forking`);
    const dir = mkdtempSync(join(tmpdir(), "criu-doctor-"));
    const file = join(dir, "restore.log");
    writeFileSync(file, log);
    try {
      await page.setInputFiles("#log-file", file);
      await diagnosed();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    await expect(page.locator("#held").isVisible()).resolves.toBe(true);
    await expect(page.locator("#held-text").textContent()).resolves.toMatch(/^restore\.log, \d+(\.\d)? MB$/);
    await expect(rootCause().getAttribute("data-finding")).resolves.toBe("pid-mismatch");
    await expect(rootCause().locator(".ck-ex__where").first().textContent()).resolves.toBe(
      `Line ${(ROOT_CAUSE_LINE + filler.length).toLocaleString("en")}`,
    );
    await expect(page.locator("#results .ck-stats").textContent()).resolves.toContain("restore.log");
    expect(checked.requests, "requests while diagnosing").toEqual([]);
  });

  it("keeps a multi-megabyte paste out of the textarea and says how much was pasted", async () => {
    const filler = Array.from({ length: 120_000 }, (_, i) => `(00.${String(i).padStart(6, "0")}) Collected 3 in 12 state`);
    const big = `${filler.join("\n")}\n${RESTORE_LOG}`;
    await paste(big);
    await diagnosed();

    await expect(page.locator("#log").inputValue()).resolves.toBe("");
    await expect(page.locator("#held-text").textContent()).resolves.toMatch(
      new RegExp(`^${(filler.length + ROOT_CAUSE_LINE + 2).toLocaleString("en")} lines, \\d+(\\.\\d)? MB pasted$`),
    );
    await expect(rootCause().getAttribute("data-finding")).resolves.toBe("pid-mismatch");
    expect(checked.requests, "requests while diagnosing").toEqual([]);
  });

  it("diagnoses a file dropped on the page", async () => {
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], "dropped.log", { type: "text/plain" }));
      for (const type of ["dragenter", "dragover", "drop"]) {
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
      }
    }, RESTORE_LOG);
    await diagnosed();
    await expect(page.locator("#held-text").textContent()).resolves.toMatch(/^dropped\.log/);
    await expect(rootCause().getAttribute("data-finding")).resolves.toBe("pid-mismatch");
    await expect(page.locator("#drop-zone").isHidden()).resolves.toBe(true);
    expect(checked.requests).toEqual([]);
  });

  it("works from the keyboard: type a log and press Ctrl+Enter, or Tab to Diagnose", async () => {
    await page.locator("#log").focus();
    await page.keyboard.insertText("Error (cr-restore.c:1230): Can't fork for 2201: File exists\n");
    await page.keyboard.press("Control+Enter");
    await diagnosed();
    await expect(rootCause().getAttribute("data-finding")).resolves.toBe("pid-mismatch");
    await expect(page.locator("#results .ck-stats").textContent()).resolves.toContain("Typed log");

    // The Diagnose button, reached by keyboard, checks the same text again.
    await page.locator("#log").focus();
    await page.keyboard.press("Tab");
    await expect(page.evaluate(() => document.activeElement?.textContent?.trim())).resolves.toBe("Diagnose");
    await page.keyboard.press("Enter");
    await diagnosed();
    expect(checked.requests).toEqual([]);
  });

  it("says when it recognises nothing, and lists the unexplained Error lines", async () => {
    await paste("(00.100000) Error (criu/some-new-file.c:12): A failure nobody has written up yet\nplain line\n");
    await diagnosed();
    const text = (await page.locator("#results").textContent()) ?? "";
    expect(text).toContain("No known failure recognised");
    await expect(page.locator("#results .ck-unmatched > li").count()).resolves.toBe(1);
    await expect(page.locator("#results .ck-unmatched .ck-ex__where").textContent()).resolves.toBe("Line 1");
  });

  it("searches the articles with Pagefind, from the header's search form", async () => {
    await page.goto(`${checker.server().origin}${site("/")}`);
    await page.locator("#site-search").fill("Thread pid mismatch");
    await page.locator("#site-search").press("Enter");
    await page.waitForURL(/\/search\/\?q=Thread/);
    await page.waitForSelector("[data-search][data-state=done]");
    const result = page.locator(".search-result__title").first();
    await expect(result.getAttribute("href")).resolves.toBe(site("/failures/pid-mismatch/"));
    await expect(result.textContent()).resolves.toBe("PID already taken on restore");
  });

  it("reads without JavaScript: articles render, the checker says what to do instead", async () => {
    const noScript = await checker.browser().newContext({ javaScriptEnabled: false });
    try {
      const plain = await noScript.newPage();
      await plain.goto(`${checker.server().origin}${site("/failures/pid-mismatch/")}`);
      await expect(plain.locator("h1").textContent()).resolves.toBe("PID already taken on restore");
      await expect(plain.locator("pre.logline").count()).resolves.toBeGreaterThan(1);
      await expect(plain.locator("ol.fixes li").count()).resolves.toBeGreaterThan(0);
      await plain.goto(`${checker.server().origin}${site("/check/")}`);
      await expect(plain.locator("noscript").first().textContent()).resolves.toContain("needs JavaScript");
      await plain.goto(`${checker.server().origin}${site("/")}`);
      await expect(plain.locator(`a[href="${site("/failures/pid-mismatch/")}"]`).count()).resolves.toBeGreaterThan(0);
    } finally {
      await noScript.close();
    }
  });
});
