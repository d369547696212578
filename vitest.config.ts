import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The site tests read dist/ and the browser tests drive Chromium against it: `npm test` builds
    // first. Browser start-up and multi-megabyte logs need generous timeouts.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
