// What markup from text (a pasted log, a link, an article's frontmatter) leaves behind in a page
// once it gets out of the text. The payloads of the tests each set their own value of
// window.__pwned should they ever run; with the site's Content-Security-Policy they cannot, so the
// elements and attributes they would bring are looked for as well.
import type { Page } from "playwright-core";

/**
 * The traces in `page`: its `window.__pwned` flag; elements a payload brings (b, img, svg, script
 * without src, iframe, object, embed, base, style) inside `scope`; and anywhere in the document,
 * an event-handler attribute or a javascript: URL. The site's own icons are <svg aria-hidden>.
 */
export function traces(page: Page, scope = "main"): Promise<string[]> {
  return page.evaluate((scope) => {
    const out: string[] = [];
    if ("__pwned" in window) out.push(`window.__pwned = ${String((window as unknown as { __pwned: unknown }).__pwned)}`);
    for (const root of document.querySelectorAll(scope)) {
      const found = root.querySelectorAll('b, img, svg:not([aria-hidden="true"]), script:not([src]), iframe, object, embed, base, style');
      for (const el of found) out.push(`<${el.localName}> in ${scope}: ${el.outerHTML.slice(0, 120)}`);
    }
    for (const el of document.querySelectorAll("script:not([src])")) out.push(`inline <script>: ${el.outerHTML.slice(0, 120)}`);
    for (const el of document.querySelectorAll("*")) {
      for (const a of el.attributes) {
        if (a.name.startsWith("on")) out.push(`${a.name}= on <${el.localName}>`);
        if (["href", "src", "action", "formaction", "xlink:href"].includes(a.name) && /^\s*javascript:/i.test(a.value)) {
          out.push(`${a.name}="${a.value}" on <${el.localName}>`);
        }
      }
    }
    return out;
  }, scope);
}
