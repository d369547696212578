// Every way a log reaches the checker (paste, drop of a file or of text, the file picker) and every
// wrapping people paste logs in (logrus msg="..." with escaped newlines, a kubelet event in JSON,
// `> ` quotes, terminal colours, CRLF line ends, a UTF-8 byte order mark): the page finds the same
// cause on the right line, shows that line in context with the match marked, and fetches nothing.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  RESTORE_CAUSE_LINE,
  RESTORE_CAUSE_MATCH,
  RESTORE_LOG,
  diagnosed,
  dropFile,
  dropText,
  openFile,
  paste,
  reportMissingChromium,
  rootCause,
  rootCauseId,
  status,
  useChecker,
} from "./helpers/checker.ts";

reportMissingChromium();

/** What the root-cause card must show: article, line number, marked text, the line in the log view. */
async function expectRootCause(page: Page, id: string, line: number, marked: string) {
  await expect(rootCauseId(page)).resolves.toBe(id);
  const card = rootCause(page);
  await expect(card.locator(".ck-ex__where").textContent()).resolves.toBe(`Line ${line.toLocaleString("en")}`);
  // The line is shown among its neighbours, the matched part marked.
  const focus = card.locator(".ck-ex__row--focus").first();
  await expect(focus.locator(".ck-ex__n").textContent()).resolves.toBe(String(line));
  const marks = await card.locator(".ck-ex__pre mark").allTextContents();
  expect(marks).toContain(marked);
  // The log view has the same line.
  await card.locator("button.ck-show").click();
  const row = page.locator(`#logview-scroller .ck-row[data-line="${line}"]:not(.ck-row--loading)`);
  await row.waitFor();
  await expect(row.locator("mark").textContent()).resolves.toBe(marked);
}

describe.runIf(status === "run")("the checker takes a log", () => {
  const checker = useChecker();

  it("pasted: the root cause, its line in context, the values in the fix, nothing fetched", async () => {
    const { page, requests } = await checker.open();
    await paste(page, RESTORE_LOG);
    await diagnosed(page);
    await expectRootCause(page, "pid-mismatch", RESTORE_CAUSE_LINE, RESTORE_CAUSE_MATCH);
    const rows = await rootCause(page).locator(".ck-ex__row .ck-ex__n").allTextContents();
    expect(rows.map(Number)).toEqual([8, 9, 10, 11, 12, 13, 14].filter((n) => n <= 13));
    await expect(rootCause(page).locator("pre.command mark.capture").first().textContent()).resolves.toBe("16817");
    expect(requests).toEqual([]);
  });

  it("as a file dropped on the page", async () => {
    const { page, requests } = await checker.open();
    await dropFile(page, "restore.log", RESTORE_LOG);
    await diagnosed(page);
    await expect(page.locator("#held-text").textContent()).resolves.toMatch(/^restore\.log, /);
    await expect(page.locator("#drop-zone").isHidden()).resolves.toBe(true);
    await expectRootCause(page, "pid-mismatch", RESTORE_CAUSE_LINE, RESTORE_CAUSE_MATCH);
    expect(requests).toEqual([]);
  });

  it("as text dropped on the page", async () => {
    const { page, requests } = await checker.open();
    await dropText(page, RESTORE_LOG);
    await diagnosed(page);
    await expect(page.locator("#log").inputValue()).resolves.toBe(RESTORE_LOG);
    await expectRootCause(page, "pid-mismatch", RESTORE_CAUSE_LINE, RESTORE_CAUSE_MATCH);
    expect(requests).toEqual([]);
  });

  it("as a large file, read in slices with the progress shown", async () => {
    const filler = Array.from({ length: 160_000 }, (_, i) => `(00.${String(i).padStart(6, "0")})  16817: Restoring fd 3 (state -> prepare) of /usr/lib/x86_64-linux-gnu/libc.so.6`);
    const log = `${filler.join("\n")}\n${RESTORE_LOG}`; // about 14 MB: four slices
    const { page, requests } = await checker.open();
    await page.evaluate(() => {
      const w = window as unknown as { progressShown: number };
      w.progressShown = 0;
      const box = document.querySelector<HTMLElement>("#progress-box")!;
      new MutationObserver(() => {
        if (!box.hidden && document.querySelector("#progress-text")?.textContent?.includes("%")) w.progressShown++;
      }).observe(document.querySelector("#checker")!, { attributes: true, childList: true, subtree: true, characterData: true });
    });
    await openFile(page, "large.log", log);
    await diagnosed(page);
    expect(await page.evaluate(() => (window as unknown as { progressShown: number }).progressShown)).toBeGreaterThan(0);
    await expect(page.locator("#progress-box").isHidden()).resolves.toBe(true);
    await expectRootCause(page, "pid-mismatch", filler.length + RESTORE_CAUSE_LINE, RESTORE_CAUSE_MATCH);
    expect(requests).toEqual([]);
  });

  it("opened with the file picker", async () => {
    const { page, requests } = await checker.open();
    await openFile(page, "restore.log", RESTORE_LOG);
    await diagnosed(page);
    await expect(page.locator("#held-text").textContent()).resolves.toMatch(/^restore\.log, \d+ KB$/);
    await expectRootCause(page, "pid-mismatch", RESTORE_CAUSE_LINE, RESTORE_CAUSE_MATCH);
    expect(requests).toEqual([]);
  });
});

describe.runIf(status === "run")("the checker reads wrapped logs as the lines they hold", () => {
  const checker = useChecker();

  it("logrus lines with the message in a quoted string, newlines escaped", async () => {
    const log = [
      String.raw`time="2025-02-11T09:14:02Z" level=error msg="criu failed: type NOTIFY errno 0\nlog file: /run/runc/web/criu.work/restore.log"`,
      String.raw`time="2025-02-11T09:14:02Z" level=warning msg="372:(00.031201) Error (criu/cr-restore.c:1230): Can't fork for 41: File exists"`,
      String.raw`time="2025-02-11T09:14:02Z" level=warning msg="373:(00.031244) Error (criu/cr-restore.c:2324): Restoring FAILED."`,
    ].join("\n");
    const { page } = await checker.open();
    await paste(page, log);
    await diagnosed(page);
    await expectRootCause(page, "pid-mismatch", 2, "Can't fork for 41: File exists");
    const detected = await page.locator(".ck-detected").textContent();
    expect(detected).toContain("runc");
    expect(detected).toContain("restore");
  });

  it("a kubelet event in JSON, CRIU's lines escaped inside its message", async () => {
    const event = {
      apiVersion: "v1",
      kind: "Event",
      reason: "CheckpointFailed",
      type: "Warning",
      message:
        'checkpointing of default/web/app failed: rpc error: code = Unknown desc = running "/usr/bin/runc" failed: criu failed: type NOTIFY errno 0\n' +
        "log file: /var/lib/containers/storage/overlay-containers/3f2a/userdata/dump.log\n" +
        "(00.031201) Error (criu/sk-inet.c:188): inet: Connected TCP socket, consider using --tcp-established option.\n" +
        "(00.031300) Error (criu/cr-dump.c:1601): Dumping FAILED.",
    };
    const { page } = await checker.open();
    await paste(page, `LAST SEEN   TYPE      REASON\n${JSON.stringify(event)}\n`);
    await diagnosed(page);
    await expectRootCause(page, "tcp-established-connection", 2, "Connected TCP socket, consider using --tcp-established option");
    await expect(page.locator(".ck-detected").textContent()).resolves.toContain("Kubernetes");
  });

  it("quoted with > as in an e-mail or an issue", async () => {
    const quoted = RESTORE_LOG.split("\n")
      .map((l) => (l ? `> ${l}` : l))
      .join("\n");
    const { page } = await checker.open();
    await paste(page, `On Monday someone wrote:\n${quoted}`);
    await diagnosed(page);
    await expectRootCause(page, "pid-mismatch", RESTORE_CAUSE_LINE + 1, RESTORE_CAUSE_MATCH);
  });

  it("with terminal colours", async () => {
    const coloured = RESTORE_LOG.replace(/(Error \([^)]*\):)/g, "\x1b[1;31m$1\x1b[0m").replace(/^\(/gm, "\x1b[2m(\x1b[0m");
    const { page } = await checker.open();
    await paste(page, coloured);
    await diagnosed(page);
    await expectRootCause(page, "pid-mismatch", RESTORE_CAUSE_LINE, RESTORE_CAUSE_MATCH);
    // No escape character is shown.
    expect(await rootCause(page).locator(".ck-ex__pre").textContent()).not.toContain("\x1b");
  });

  it("with CRLF line ends, pasted and as a file", async () => {
    const crlf = RESTORE_LOG.replace(/\n/g, "\r\n");
    const { page } = await checker.open();
    await paste(page, crlf);
    await diagnosed(page);
    await expectRootCause(page, "pid-mismatch", RESTORE_CAUSE_LINE, RESTORE_CAUSE_MATCH);
    await openFile(page, "restore-crlf.log", crlf);
    await page.waitForFunction(() => document.querySelector(".ck-stats")?.textContent?.includes("restore-crlf.log"));
    await expectRootCause(page, "pid-mismatch", RESTORE_CAUSE_LINE, RESTORE_CAUSE_MATCH);
    await expect(page.locator("#logview-meta").textContent()).resolves.toBe("13 lines");
  });

  it("with a UTF-8 byte order mark, in a file and in pasted text", async () => {
    const { page } = await checker.open();
    const bytes = [0xef, 0xbb, 0xbf, ...Buffer.from(RESTORE_LOG, "utf8")];
    await dropFile(page, "bom.log", bytes);
    await diagnosed(page);
    await expectRootCause(page, "pid-mismatch", RESTORE_CAUSE_LINE, RESTORE_CAUSE_MATCH);
    await expect(page.locator(".ck-detected").textContent()).resolves.toContain("3.17.1");
    const first = page.locator('#logview-scroller .ck-row[data-line="1"] .ck-row__t');
    await page.locator("#logview-line").fill("1");
    await page.locator("#logview-line").press("Enter");
    await expect(first.textContent()).resolves.toBe("(00.000000) Version: 3.17.1 (gitid 0)");

    await paste(page, `\ufeff${RESTORE_LOG}`);
    await page.waitForFunction(() => document.querySelector(".ck-stats")?.textContent?.startsWith("Pasted log"));
    await expectRootCause(page, "pid-mismatch", RESTORE_CAUSE_LINE, RESTORE_CAUSE_MATCH);
    await expect(page.locator(".ck-detected").textContent()).resolves.toContain("3.17.1");
  });
});
