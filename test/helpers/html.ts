// Reading built HTML without a browser: the pages Astro writes escape `<` in text and quote every
// attribute, so their start tags can be read with a regular expression.
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

/** Every HTML file below `root`, relative to it. */
export function htmlFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return htmlFiles(root, path);
    return e.name.endsWith(".html") ? [relative(root, path)] : [];
  });
}

/** Undoes HTML escaping. */
export const decode = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

export interface Tag {
  name: string;
  attrs: Map<string, string>;
  index: number;
  end: number;
}

/**
 * The start tags of a page. Astro escapes `<` in text and quotes every attribute, so a `<` followed
 * by a letter starts a tag; quoted attribute values may hold `>`. The contents of <script> and
 * <style> elements are skipped (an external script has none).
 */
export function startTags(html: string): Tag[] {
  const tags: Tag[] = [];
  const re = /<([a-zA-Z][\w-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*\/?>/g;
  for (let m: RegExpExecArray | null; (m = re.exec(html)); ) {
    const attrs = new Map<string, string>();
    for (const a of m[2]!.matchAll(/([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
      attrs.set(a[1]!.toLowerCase(), decode(a[2] ?? a[3] ?? a[4] ?? ""));
    }
    const name = m[1]!.toLowerCase();
    tags.push({ name, attrs, index: m.index, end: re.lastIndex });
    if (name === "script" || name === "style") {
      const close = html.indexOf(`</${name}>`, re.lastIndex);
      if (close >= 0) re.lastIndex = close;
    }
  }
  return tags;
}

