// Shared set-up of the checker's browser tests (test/checker-*.test.ts): one static server and one
// Chromium per test file, a fresh context per test, and the ways a log reaches the page (a paste
// event, a drop, the file input). Every test file calls useChecker() at its top level.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MISSING, chromiumStatus, launchChromium } from "./browser.ts";
import { requireBuild, site } from "./paths.ts";
import { startServer, type RunningServer } from "./server.ts";

export const status = chromiumStatus();

/** Registers the placeholder test that says why the browser tests did not run (or fails in CI). */
export function reportMissingChromium(): void {
  if (status === "fail")
    describe("browser tests", () => {
      it("need Chromium", () => {
        throw new Error(`${MISSING}. CI is set, so a missing browser is a failure.`);
      });
    });
  if (status === "skip") {
    console.warn(`\n${MISSING}\n`);
    describe("browser tests", () => {
      it.skip(MISSING, () => {});
    });
  }
}

export interface CheckerPage {
  page: Page;
  context: BrowserContext;
  /** Every request the page made since it was ready (the worker has loaded the rule set). */
  requests: string[];
  /** Uncaught errors and dialogs (alert, confirm): none may happen. */
  errors: string[];
  dialogs: string[];
}

export interface OpenOptions {
  /** Path and fragment to open instead of /check/. */
  path?: `/${string}`;
  viewport?: { width: number; height: number };
  colorScheme?: "light" | "dark";
  /** Wait for this state of the form (`ready` unless the page opens a shared diagnosis). */
  state?: "ready" | "done";
}

export interface CheckerHarness {
  server(): RunningServer;
  browser(): Browser;
  open(options?: OpenOptions): Promise<CheckerPage>;
}

/** Starts the server and Chromium for the file, and closes every page a test opened. */
export function useChecker(): CheckerHarness {
  let server: RunningServer;
  let browser: Browser;
  const opened: CheckerPage[] = [];

  beforeAll(async () => {
    requireBuild();
    server = await startServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(async () => {
    const pages = opened.splice(0);
    for (const p of pages) await p.context.close();
    for (const p of pages) {
      expect(p.errors, "errors on the page").toEqual([]);
      expect(p.dialogs, "dialogs opened by the page").toEqual([]);
    }
  });

  return {
    server: () => server,
    browser: () => browser,
    async open(options = {}) {
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1280, height: 900 },
        colorScheme: options.colorScheme ?? "light",
      });
      const page = await context.newPage();
      const p: CheckerPage = { page, context, requests: [], errors: [], dialogs: [] };
      opened.push(p);
      page.on("dialog", (d) => {
        p.dialogs.push(d.message());
        void d.dismiss();
      });
      page.on("pageerror", (e) => p.errors.push(e.message));
      await page.goto(`${server.origin}${site(options.path ?? "/check/")}`);
      await page.waitForSelector(`#checker[data-state=${options.state ?? "ready"}]`);
      // The worker has loaded the rule set: from here on, checking must not fetch anything.
      page.on("request", (r) => p.requests.push(r.url()));
      return p;
    },
  };
}

/** Dispatches a real paste event carrying `text`, as the browser does for Ctrl+V. */
export function paste(page: Page, text: string, selector = "#log"): Promise<void> {
  return page.evaluate(
    ([text, selector]) => {
      const target = document.querySelector(selector!)!;
      (target as HTMLElement).focus();
      const data = new DataTransfer();
      data.setData("text/plain", text!);
      target.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    },
    [text, selector],
  );
}

/** Drops a file holding `content` (text, or bytes given as numbers) on the page. */
export function dropFile(page: Page, name: string, content: string | number[]): Promise<void> {
  return page.evaluate(
    ([name, content]) => {
      const data = new DataTransfer();
      const body = typeof content === "string" ? content : new Uint8Array(content as number[]);
      data.items.add(new File([body], name as string, { type: "text/plain" }));
      for (const type of ["dragenter", "dragover", "drop"]) {
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
      }
    },
    [name, content] as const,
  );
}

/** Drops text (a selection dragged from another window) on the page. */
export function dropText(page: Page, text: string): Promise<void> {
  return page.evaluate((text) => {
    const data = new DataTransfer();
    data.setData("text/plain", text);
    for (const type of ["dragenter", "dragover", "drop"]) {
      document.body.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    }
  }, text);
}

/** Files given to the file input stay on disk until the tests end: the page reads them lazily. */
let fileDir: string | null = null;
process.once("exit", () => fileDir && rmSync(fileDir, { recursive: true, force: true }));

/** Opens `content` with the file input, from a real file on disk. */
export async function openFile(page: Page, name: string, content: string | Buffer): Promise<void> {
  fileDir ??= mkdtempSync(join(tmpdir(), "criu-doctor-"));
  const dir = mkdtempSync(join(fileDir, "f-"));
  const file = join(dir, name);
  writeFileSync(file, content);
  await page.setInputFiles("#log-file", file);
}

/** Waits until the worker's report is on the page. */
export async function diagnosed(page: Page): Promise<void> {
  await page.waitForSelector("#checker[data-state=done]");
}

/** The root-cause card. */
export const rootCause = (page: Page) => page.locator("#results .ck-card--root");

/** The article id of the root-cause card. */
export const rootCauseId = (page: Page) => rootCause(page).getAttribute("data-finding");

/** A restore that failed because the PID was taken, as `criu restore -v4 -o restore.log` writes it. */
export const RESTORE_LOG = `(00.000000) Version: 3.17.1 (gitid 0)
(00.000035) Running on web01 Linux 5.4.0-150-generic #167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023 x86_64
(00.000049) Would overwrite RPC settings with values from /etc/criu/default.conf
(00.000091) Loaded kdat cache from /run/criu.kdat
(00.000401) Reading image tree
(00.000433) Add mnt ns 5 pid 16817
(00.000467) Migrating process tree (SID 16810->16810)
(00.000512) Will restore in 0 namespaces
(00.004112) Forking task with 16817 pid (flags 0x0)
(00.020011)  16817: Restoring 16817 with pid 16817
(00.021345)  16817: Error (criu/cr-restore.c:1539): Pid 17550 do not match expected 16817
(00.021402) Error (criu/cr-restore.c:1424): 17550 exited, status=1
(00.021867) Error (criu/cr-restore.c:2447): Restoring FAILED.
`;
/** The line of RESTORE_LOG that names the cause, and what the rule marks in it. */
export const RESTORE_CAUSE_LINE = 11;
export const RESTORE_CAUSE_MATCH = "Pid 17550 do not match expected 16817";
