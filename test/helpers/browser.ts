// Debian's Chromium, driven by playwright-core. When it is not installed the browser tests are
// skipped with a plain message, except in CI (CI set), where that is a failure.
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export const MISSING = "browser tests did not run: install Debian's chromium (apt-get install -y chromium)";

/** `run` when Chromium is there; otherwise `skip` locally and `fail` in CI. */
export function chromiumStatus(): "run" | "skip" | "fail" {
  if (existsSync(CHROMIUM)) return "run";
  return process.env.CI ? "fail" : "skip";
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
