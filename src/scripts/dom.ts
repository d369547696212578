// A tiny element builder. Strings always become text nodes (document.createTextNode), so text that
// comes from a log can never turn into markup; attributes are set one by one with setAttribute.

export type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, string | undefined> | null,
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) for (const [name, value] of Object.entries(attrs)) if (value !== undefined) el.setAttribute(name, value);
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
  return el;
}

const numbers = new Intl.NumberFormat("en");
/** 1234567 -> "1,234,567" (one formatter: toLocaleString builds a new one for every call). */
export const formatCount = (n: number) => numbers.format(n);

/** A size in bytes (or characters) as "0.4 MB", "12 MB". */
export function formatSize(n: number): string {
  const mb = n / 1e6;
  if (mb >= 10) return `${Math.round(mb)} MB`;
  if (mb >= 0.1) return `${mb.toFixed(1)} MB`;
  return `${Math.max(1, Math.round(n / 1e3))} KB`;
}

export const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;
