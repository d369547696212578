// The checker for everyone: an axe-core scan finds no violation on /check/ before and after a
// diagnosis (light and dark, desktop and a 390 px phone, and a shared diagnosis); the whole flow
// works from the keyboard; the result is announced; nothing overflows a phone's width.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { RESTORE_CAUSE_LINE, RESTORE_LOG, diagnosed, paste, reportMissingChromium, rootCauseId, status, useChecker } from "./helpers/checker.ts";

reportMissingChromium();

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[]; failureSummary: string }[];
}

/** Runs axe-core in the page (WCAG 2.x A and AA, and best practices); returns readable violations. */
async function axe(page: Page): Promise<string[]> {
  // Evaluated as the test driver's script: the page's Content-Security-Policy refuses inline <script>.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: AxeViolation[] }> } };
    const result = await w.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    });
    return result.violations;
  });
  return violations.map(
    (v: AxeViolation) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")}: ${n.failureSummary}`).join("\n")}`,
  );
}

/** A log with every part of a report: a root cause, another cause, a symptom, an unexplained line, a wrapper. */
const FULL_LOG = `${RESTORE_LOG}(00.030000) Error (criu/sk-inet.c:188): inet: Connected TCP socket, consider using --tcp-established option.
(00.031000) Error (criu/some-new-file.c:12): A failure nobody has written up yet
ERRO[0000] criu failed: type NOTIFY errno 0
log file: /run/runc/web/criu.work/restore.log
`;

describe.runIf(status === "run")("the checker is accessible", () => {
  const checker = useChecker();

  for (const [width, scheme] of [
    [1280, "light"],
    [1280, "dark"],
    [390, "light"],
    [390, "dark"],
  ] as const) {
    it(`has no axe violation before and after a diagnosis, ${width} px, ${scheme}`, async () => {
      const { page } = await checker.open({ viewport: { width, height: 860 }, colorScheme: scheme });
      expect(await axe(page), "before").toEqual([]);
      await paste(page, FULL_LOG);
      await diagnosed(page);
      await page.locator("button.ck-show").first().click();
      await page.locator("#logview-scroller .ck-row--target:not(.ck-row--loading)").waitFor();
      expect(await axe(page), "after").toEqual([]);
      // Nothing makes the page wider than the screen.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBe(0);
    });
  }

  it("has no axe violation on a shared diagnosis, nor with the drop zone shown", async () => {
    const { page } = await checker.open();
    await paste(page, FULL_LOG);
    await diagnosed(page);
    const { hash } = new URL(await page.locator("#share-url").inputValue());
    const shared = await checker.open({ path: `/check/${hash}`, state: "done", viewport: { width: 390, height: 860 } });
    expect(await axe(shared.page)).toEqual([]);
    await shared.page.evaluate(() => {
      const data = new DataTransfer();
      data.setData("text/plain", "x");
      document.body.dispatchEvent(new DragEvent("dragenter", { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await expect(shared.page.locator("#drop-zone").isVisible()).resolves.toBe(true);
    expect(await axe(shared.page)).toEqual([]);
  });

  it("works with the keyboard alone, and announces the result", async () => {
    const { page } = await checker.open();
    const focused = () => page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} ${(el.textContent ?? "").trim().slice(0, 40)}` : "";
    });
    // From the top of the page, Tab reaches the log box (after the skip link, header and search).
    let steps = 0;
    while (!(await focused()).startsWith("textarea#log") && steps++ < 20) await page.keyboard.press("Tab");
    expect(await focused()).toMatch(/^textarea#log/);
    await page.keyboard.insertText(FULL_LOG);
    await page.keyboard.press("Control+Enter");
    await diagnosed(page);
    await expect(rootCauseId(page)).resolves.toBe("pid-mismatch");
    // The focus moves to the results, and the status line (a live region) says what was found.
    expect(await focused()).toMatch(/^h2#results-title/);
    const said = await page.locator("#status").textContent();
    expect(said).toContain(`Root cause: PID already taken on restore, line ${RESTORE_CAUSE_LINE}.`);
    expect(said).toMatch(/more cause/);

    // Tab on to "Show in the log" and press Enter: the log view takes the focus at that line.
    steps = 0;
    while (!(await focused()).startsWith("button Show in the log") && steps++ < 20) await page.keyboard.press("Tab");
    expect(await focused()).toMatch(/^button Show in the log/);
    await page.keyboard.press("Enter");
    expect(await focused()).toMatch(/^div#logview-scroller/);
    await page.locator(`#logview-scroller .ck-row--target[data-line="${RESTORE_CAUSE_LINE}"]`).waitFor();

    // The copy buttons and links of the report are reachable and work with Enter.
    await page.locator("#results-title").focus();
    steps = 0;
    while (!(await focused()).startsWith("a ") && steps++ < 10) await page.keyboard.press("Tab");
    expect(await focused()).toBe("a PID already taken on restore");

    // Clear (a reset button) empties the results and returns to the log box.
    await page.locator("button[type=reset]").focus();
    await page.keyboard.press("Enter");
    await expect(page.locator("#results").textContent()).resolves.toBe("");
    expect(await focused()).toMatch(/^textarea#log/);
  });

  it("keeps the textarea, buttons and results within a 390 px screen", async () => {
    const { page } = await checker.open({ viewport: { width: 390, height: 844 } });
    await paste(page, FULL_LOG);
    await diagnosed(page);
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>("#checker, #checker *, #results, #results *")]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && !el.closest("pre, .ck-log__scroller"))
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
    );
    expect(wide).toEqual([]);
  });
});
