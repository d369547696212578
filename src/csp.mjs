// The site's Content-Security-Policy: only the site's own files run, style and load, and nothing
// connects anywhere but the site itself. Pasted logs are shown as text everywhere (see
// src/scripts/dom.ts); the policy is the second wall, should markup ever reach the page.
//
// Every page carries it as <meta http-equiv="Content-Security-Policy"> (src/layouts/Base.astro), so
// it holds on any static host; scripts/serve.mjs also sends it as a header, with frame-ancestors,
// which a <meta> policy cannot set. Nothing on the pages is inline for it to allow: scripts and
// stylesheets are files (astro.config.mjs: assetsInlineLimit 0, inlineStylesheets "never"), and
// code blocks carry classes instead of style="" (src/lib/code-classes.mjs). test/site-csp.test.ts
// loads the pages in Chromium and fails on any violation.
//
// Where the site is published, send CONTENT_SECURITY_POLICY_HEADER as a header too if the host
// allows it: a <meta> policy does not reach Web Workers (the checker's and Pagefind's run under the
// policy of their own script's response), and cannot forbid framing. `astro dev` pages carry no
// policy: Vite's development server injects styles inline.

/** @type {readonly string[]} */
export const CSP_DIRECTIVES = [
  "default-src 'self'",
  // Pagefind compiles its search index reader from WebAssembly (dist/pagefind/wasm.*.pagefind):
  // Chromium refuses WebAssembly.instantiate under script-src 'self' alone.
  "script-src 'self' 'wasm-unsafe-eval'",
  // The checker's worker (/_astro/diagnose.worker-*.js) and Pagefind's (/pagefind/pagefind-worker.js).
  "worker-src 'self'",
  // Pagefind fetches its index from /pagefind/; the checker fetches nothing.
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
];

/** The policy of the <meta> element on every page. */
export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.join("; ");

/** The policy as a response header: the same, and no page of the site in another site's frame. */
export const CONTENT_SECURITY_POLICY_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;
