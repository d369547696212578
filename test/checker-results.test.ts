// What the checker shows: the log view over a long log (only the visible rows in the page, lines
// fetched from the worker), the Error lines no article explains with a search and a proposal for
// a new article, the way to CRIU's own log when only a wrapper's message was pasted, and a share
// link that reopens the diagnosis without the log.
import { describe, expect, it } from "vitest";
import { site } from "./helpers/paths.ts";
import {
  RESTORE_CAUSE_LINE,
  RESTORE_LOG,
  diagnosed,
  openFile,
  paste,
  reportMissingChromium,
  rootCause,
  rootCauseId,
  status,
  useChecker,
} from "./helpers/checker.ts";

reportMissingChromium();

describe.runIf(status === "run")("the log view", () => {
  const checker = useChecker();

  it("shows a 200,000-line file with only the visible rows in the page, and jumps to a finding", async () => {
    const filler = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => `(00.${String(from + i).padStart(6, "0")})  16817: Restoring fd ${i % 64} (state -> prepare)`).join("\n");
    const lines = RESTORE_LOG.trimEnd().split("\n");
    const cause = lines.splice(RESTORE_CAUSE_LINE - 1, 1)[0]!;
    const log = `${filler(0, 120_000)}\n${cause}\n${filler(120_001, 80_000)}\n${lines.join("\n")}\n`;
    const causeLine = 120_001;
    const { page, requests } = await checker.open();
    await openFile(page, "big.log", log);
    await diagnosed(page);
    await expect(rootCauseId(page)).resolves.toBe("pid-mismatch");
    await expect(page.locator("#logview-meta").textContent()).resolves.toBe(`${(200_001 + lines.length).toLocaleString("en")} lines`);

    const rowCount = () => page.locator("#logview-scroller .ck-row").count();
    expect(await rowCount()).toBeLessThan(100);
    expect(await page.locator("#logview-scroller").textContent()).not.toContain(cause.slice(20));

    // "Show in the log" brings the line into view, marked, and puts the focus in the view.
    await rootCause(page).locator("button.ck-show").click();
    const row = page.locator(`#logview-scroller .ck-row--target[data-line="${causeLine}"]:not(.ck-row--loading)`);
    await row.waitFor();
    await expect(row.locator("mark").textContent()).resolves.toBe("Pid 17550 do not match expected 16817");
    await expect(row.isVisible()).resolves.toBe(true);
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("logview-scroller");
    expect(await rowCount()).toBeLessThan(100);

    // The keyboard scrolls it: End to the last line, Home to the first.
    await page.keyboard.press("End");
    await page.locator(`#logview-scroller .ck-row[data-line="${200_001 + lines.length}"]:not(.ck-row--loading)`).waitFor();
    await page.keyboard.press("Home");
    await page.locator('#logview-scroller .ck-row[data-line="1"]:not(.ck-row--loading)').waitFor();
    const top = () => page.locator("#logview-scroller").evaluate((el) => el.scrollTop);
    expect(await top()).toBe(0);
    await page.keyboard.press("PageDown");
    const paged = await top();
    expect(paged).toBeGreaterThan(0);
    await page.keyboard.press("ArrowDown");
    expect(await top()).toBeGreaterThan(paged);

    // Go to line.
    await page.locator("#logview-line").fill("150000");
    await page.locator("#logview-line").press("Enter");
    await expect(
      page.locator('#logview-scroller .ck-row[data-line="150000"]:not(.ck-row--loading) .ck-row__t').textContent(),
    ).resolves.toBe(`(00.149999)  16817: Restoring fd ${29_998 % 64} (state -> prepare)`);
    expect(await rowCount()).toBeLessThan(100);
    expect(requests).toEqual([]);
  });
});

describe.runIf(status === "run")("Error lines no article explains", () => {
  const checker = useChecker();

  it("each links to a search for its words and to a prefilled proposal with nothing else from the log", async () => {
    const log = [
      "(00.000000) Version: 3.19 (gitid v3.19)",
      "(00.000035) Running on secret-host-42 Linux 6.1.0",
      "(00.100000) Error (criu/some-new-file.c:12): Frobnicating 4096 pages at 0x7f3a2c001000 of /srv/data/db.sqlite for 10.1.2.3 failed",
      "plain line",
    ].join("\n");
    const { page, requests } = await checker.open();
    await paste(page, log);
    await diagnosed(page);
    const item = page.locator("#results .ck-unmatched > li");
    await expect(item.count()).resolves.toBe(1);
    await expect(item.locator(".ck-ex__where").textContent()).resolves.toBe("Line 3");

    const search = await item.locator("a", { hasText: "Search the articles" }).getAttribute("href");
    expect(search).toBe(`${site("/search/")}?q=${encodeURIComponent("Frobnicating pages at of for failed")}`);

    const proposal = new URL((await item.locator("a", { hasText: "Propose an article" }).getAttribute("href"))!);
    expect(proposal.origin + proposal.pathname).toBe("https://github.com/criu-doctor/criu-doctor/issues/new");
    const title = proposal.searchParams.get("title")!;
    const body = proposal.searchParams.get("body")!;
    expect(title).toContain("Frobnicating 4096 pages");
    expect(body).toContain("Frobnicating 4096 pages at 0x7f3a2c001000 of /srv/data/db.sqlite for 10.1.2.3 failed");
    expect(body).toContain(String.raw`pattern: 'Frobnicating -?\d+ pages at 0x[0-9a-f]+ of \S+? for \d{1,3}(?:\.\d{1,3}){3} failed'`);
    expect(body).toContain("3.19");
    // Nothing else from the log: not the other lines, not the timestamp or the source file.
    for (const other of ["secret-host-42", "plain line", "00.100000", "some-new-file.c"]) expect(body + title).not.toContain(other);
    expect(requests).toEqual([]);
  });
});

describe.runIf(status === "run")("a wrapper's message alone", () => {
  const checker = useChecker();
  const cases = [
    {
      name: "runc: criu failed: type NOTIFY errno 0, with the log file",
      log: "ERRO[0000] criu failed: type NOTIFY errno 0\nlog file: /run/runc/web/criu.work/dump.log\n",
      id: "runc-criu-failed",
      tool: "runc",
      path: "/run/runc/web/criu.work/dump.log",
    },
    {
      name: "crun under Podman: CRIU restoring failed -52",
      log: "Error: CRIU restoring failed -52.  Please check CRIU logfile /var/lib/containers/storage/overlay-containers/9d2f/userdata/restore.log: Invalid exchange\n",
      id: "crun-criu-failed",
      tool: "crun",
      path: "/var/lib/containers/storage/overlay-containers/9d2f/userdata/restore.log",
    },
    {
      name: "Docker: Cannot checkpoint container, with the log path",
      log: "Error response from daemon: Cannot checkpoint container looper: runc did not terminate successfully: exit status 1: criu failed: type NOTIFY errno 0 path= /run/containerd/io.containerd.runtime.v1.linux/moby/92cd14d9a7cd/criu-dump.log: unknown\n",
      id: "docker-checkpoint-failed",
      tool: "Docker",
      path: "/run/containerd/io.containerd.runtime.v1.linux/moby/92cd14d9a7cd/criu-dump.log",
    },
  ];
  for (const c of cases) {
    it(`leads to CRIU's own log: ${c.name}`, async () => {
      const { page } = await checker.open();
      await paste(page, c.log);
      await diagnosed(page);
      const box = page.locator("#results .ck-wrapper");
      await expect(box.locator(".ck-wrapper__title").textContent()).resolves.toContain(c.tool);
      await expect(box.locator(".ck-wrapper__path").textContent()).resolves.toBe(c.path);
      await expect(box.locator("pre.command").textContent()).resolves.toBe(`sudo cat ${c.path}`);
      // The wrapper's article follows, its commands filled in with the path.
      await expect(rootCauseId(page)).resolves.toBe(c.id);
      const commands = await rootCause(page).locator("pre.command").allTextContents();
      expect(commands.some((cmd) => cmd.includes(c.path))).toBe(true);
      await expect(page.locator("#status").textContent()).resolves.toContain(`CRIU's log is at ${c.path}.`);
    });
  }

  it("says where to look when the message names no log file", async () => {
    const { page } = await checker.open();
    await paste(page, "ERRO[0000] criu failed: type NOTIFY errno 0\n");
    await diagnosed(page);
    await expect(page.locator("#results .ck-wrapper").textContent()).resolves.toContain("the article below says where runc keeps it");
    await expect(rootCauseId(page)).resolves.toBe("runc-criu-failed");
  });
});

describe.runIf(status === "run")("the share link", () => {
  const checker = useChecker();

  it("reopens the diagnosis from ids, line numbers and values, without the log", async () => {
    const { page } = await checker.open();
    await paste(page, `${RESTORE_LOG}ERRO[0000] criu failed: type NOTIFY errno 0\nlog file: /run/runc/web/criu.work/restore.log\n`);
    await diagnosed(page);
    const url = await page.locator("#share-url").inputValue();
    const { hash } = new URL(url);
    expect(hash).toMatch(/^#f=pid-mismatch,11,got=17550,expected=16817&/);
    const payload = decodeURIComponent(hash);
    expect(payload).toContain("pid-mismatch");
    expect(payload).toContain("16817");
    for (const logOnly of ["web01", "Restoring FAILED", "Version", "Pid 17550 do not match", "00.021345"]) expect(payload).not.toContain(logOnly);

    const shared = await checker.open({ path: `/check/${hash}`, state: "done" });
    await expect(shared.page.locator("#results h2").textContent()).resolves.toBe("Shared diagnosis");
    await expect(shared.page.locator(".ck-shared-note").textContent()).resolves.toContain("the log itself is not shared");
    await expect(rootCauseId(shared.page)).resolves.toBe("pid-mismatch");
    await expect(rootCause(shared.page).locator(".ck-ex__where").textContent()).resolves.toBe(`Line ${RESTORE_CAUSE_LINE}`);
    await expect(rootCause(shared.page).locator("pre.command mark.capture").first().textContent()).resolves.toBe("16817");
    await expect(shared.page.locator("#results .ck-wrapper__path").count()).resolves.toBe(0); // a CRIU cause was found
    // No log lines, no log view, no "show in the log".
    await expect(shared.page.locator("#results .ck-ex__pre, #results button.ck-show").count()).resolves.toBe(0);
    await expect(shared.page.locator("#logview").isHidden()).resolves.toBe(true);
    expect(shared.requests).toEqual([]);

    // A new log replaces the shared diagnosis and drops the link from the address bar.
    await paste(shared.page, RESTORE_LOG);
    await shared.page.waitForFunction(() => document.querySelector("#results h2")?.textContent === "Diagnosis");
    expect(new URL(shared.page.url()).hash).toBe("");
  });

  it("renders values from a crafted link as text", async () => {
    const crafted = [
      `f=runc-criu-failed,1,logPath=${encodeURIComponent("/tmp/<img src=x onerror=alert(1)>.log")},type=${encodeURIComponent("<script>alert(2)</script>")}`,
      `f=${encodeURIComponent("<img src=x onerror=alert(3)>")},2`,
      `log=${encodeURIComponent("/tmp/<svg onload=alert(4)>.log")}`,
    ].join("&");
    const { page } = await checker.open({ path: `/check/#${crafted}`, state: "done" });
    await expect(rootCauseId(page)).resolves.toBe("runc-criu-failed");
    await expect(page.locator("#results img, #results script, #results svg").count()).resolves.toBe(0);
    await expect(page.locator("#results .ck-wrapper__path").textContent()).resolves.toBe("/tmp/<svg onload=alert(4)>.log");
    await expect(page.locator("#results .ck-captures").textContent()).resolves.toContain("<script>alert(2)</script>");
    await expect(page.locator("#results [data-finding]").count()).resolves.toBe(1);
  });
});
