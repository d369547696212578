#!/usr/bin/env node
// A small static file server for the built site (dist/), with no dependencies:
//   node scripts/serve.mjs              serves dist/ on http://127.0.0.1:4321/ (PORT changes the port)
// A site built for a URL with a path (CRIU_DOCTOR_SITE_URL=https://example.org/criu-doctor) is
// served below that path, as it will be published. Directories serve their index.html; a directory asked for without its slash is redirected to it;
// unknown paths get dist/404.html with status 404. Only GET and HEAD; only files inside the root.
// Every response carries the site's Content-Security-Policy (src/csp.mjs) as a header: the pages
// carry it as <meta> too, but only the header reaches workers and can forbid framing.
// The tests import createStaticServer() and listen on a free port.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { CONTENT_SECURITY_POLICY_HEADER } from "../src/csp.mjs";

/** @type {Record<string, string>} */
export const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
  // Pagefind's index: wasm.<lang>.pagefind and *.pf_meta, *.pf_index, *.pf_fragment, *.pf_filter.
  ".pagefind": "application/octet-stream",
};

/** Sent with every response. */
export const SECURITY_HEADERS = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY_HEADER,
  "X-Content-Type-Options": "nosniff",
};

/** The content type of a file name; Pagefind's `.pf_*` files and unknown types are binary. */
export function contentType(name) {
  const ext = extname(name).toLowerCase();
  if (ext.startsWith(".pf_")) return "application/octet-stream";
  return CONTENT_TYPES[ext] ?? "application/octet-stream";
}

/** @param {string} path */
async function fileAt(path) {
  try {
    const s = await stat(path);
    return s.isFile() ? s : s.isDirectory() ? "dir" : null;
  } catch {
    return null;
  }
}

/** The path the site is published under, from CRIU_DOCTOR_SITE_URL as astro.config.mjs reads it: `/` or `/criu-doctor/`. */
export function basePath(siteUrl = process.env.CRIU_DOCTOR_SITE_URL) {
  return siteUrl ? new URL(siteUrl).pathname.replace(/\/*$/, "/") : "/";
}

/**
 * An http.Server that serves the files below `root` at the URL path `base`.
 * @param {{ root?: string, base?: string, log?: (line: string) => void }} [options]
 */
export function createStaticServer({ root = fileURLToPath(new URL("../dist/", import.meta.url)), base = "/", log } = {}) {
  const top = resolve(root);
  const prefix = base.replace(/\/*$/, "/");

  return createServer(async (req, res) => {
    const send = (/** @type {number} */ code, /** @type {string} */ body, headers = {}) => {
      res.writeHead(code, { "Content-Type": "text/plain; charset=utf-8", ...SECURITY_HEADERS, ...headers });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    /** @param {string} file @param {import("node:fs").Stats} st @param {number} [code] */
    const sendFile = (file, st, code = 200) => {
      res.writeHead(code, {
        "Content-Type": contentType(file),
        "Content-Length": st.size,
        "Cache-Control": "no-cache",
        ...SECURITY_HEADERS,
      });
      if (req.method === "HEAD") return res.end();
      createReadStream(file).on("error", () => res.destroy()).pipe(res);
    };

    const notFound = async () => {
      log?.(`404 ${req.method} ${req.url}`);
      const page = join(top, "404.html");
      const st = await fileAt(page);
      if (st && st !== "dir") return sendFile(page, st, 404);
      return send(404, "Not Found\n");
    };

    try {
      if (req.method !== "GET" && req.method !== "HEAD") return send(405, "Method Not Allowed\n", { Allow: "GET, HEAD" });
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname + "/" === prefix) return send(301, "", { Location: prefix + url.search });
      let pathname;
      try {
        pathname = url.pathname.startsWith(prefix) ? decodeURIComponent(url.pathname.slice(prefix.length - 1)) : null;
      } catch {
        return send(400, "Bad Request\n");
      }
      if (pathname === null) return notFound();
      const path = resolve(top, "." + pathname);
      if (pathname.includes("\0") || (path !== top && !path.startsWith(top + sep))) return send(403, "Forbidden\n");

      let st = await fileAt(path);
      let file = path;
      if (st === "dir") {
        if (!pathname.endsWith("/")) return send(301, "", { Location: url.pathname + "/" + url.search });
        file = join(path, "index.html");
        st = await fileAt(file);
      }
      if (st && st !== "dir") {
        log?.(`200 ${req.method} ${url.pathname}`);
        return sendFile(file, st);
      }
      return notFound();
    } catch (e) {
      log?.(`500 ${req.method} ${req.url}: ${e instanceof Error ? e.message : e}`);
      if (!res.headersSent) send(500, "Internal Server Error\n");
      else res.destroy();
    }
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 4321);
  const host = "127.0.0.1";
  const root = fileURLToPath(new URL("../dist/", import.meta.url));
  const st = await fileAt(join(root, "index.html"));
  if (!st) {
    console.error("serve: dist/index.html is missing; build the site first (npm run build)");
    process.exit(1);
  }
  const base = basePath();
  const server = createStaticServer({ root, base, log: process.env.QUIET ? undefined : (line) => console.log(line) });
  server.on("error", (e) => {
    console.error(`serve: ${e.message}`);
    process.exit(1);
  });
  server.listen(port, host, () => {
    const address = server.address();
    const actual = typeof address === "object" && address ? address.port : port;
    console.log(`criu-doctor: serving dist/ at http://${host}:${actual}${base}`);
  });
}
