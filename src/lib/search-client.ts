// The search page in the browser: Pagefind's JS API behind a plain GET form. The form works as
// a link (/search/?q=...&phase=...&area=...&option=...); with JavaScript the results come as you
// type and the URL follows, so a search can be bookmarked or shared.
//
// CRIU-aware: a pasted log line is searched by its message (timestamp, pid column, level tag and
// wrapper prefixes off, as the engine parses lines), and when no article has every word, again
// without the numbers, addresses and paths that differ from one log to the next.
import { messageOf, withoutValues } from "./log-text.ts";
import { splitOptions } from "./text.ts";

interface PagefindResultData {
  url: string;
  excerpt: string;
  meta: Record<string, string | undefined>;
  filters: Record<string, string[] | undefined>;
}
interface PagefindResult {
  id: string;
  score: number;
  data(): Promise<PagefindResultData>;
}
interface PagefindSearch {
  results: PagefindResult[];
}
interface Pagefind {
  options(o: Record<string, unknown>): Promise<void>;
  init(): Promise<void>;
  search(
    term: string | null,
    o?: { filters?: Record<string, string>; sort?: Record<string, "asc" | "desc"> },
  ): Promise<PagefindSearch | null>;
}

const PAGE = 15;
const FILTERS = ["phase", "area", "option"] as const;

export interface PreparedQuery {
  /** The message of a pasted log line, or the text as typed. */
  query: string;
  /** The query without numbers, addresses and paths, when that differs. */
  relaxed: string | null;
  /** The longest stretch of the query without such values, for an exact-phrase search (2+ words). */
  phrase: string | null;
  /** `--tcp-established` when the query is one CRIU option, with or without its dashes. */
  option: string | null;
}

/** What to search for: the message of a log line, a version without its values, a phrase, an option. */
export function prepareQuery(raw: string): PreparedQuery {
  const line = raw.split(/\r?\n/).find((l) => l.trim()) ?? "";
  const query = messageOf(line);
  const relaxed = withoutValues(query);
  // The stretches between values: `Pid 17550 do not match expected 16817` -> `do not match expected`.
  let phrase: string | null = null;
  for (const run of query.split(/\s+/).reduce<string[][]>(
    (runs, w) => (withoutValues(w) ? runs[runs.length - 1]!.push(w) : runs.push([]), runs),
    [[]],
  )) {
    const text = run.join(" ").replace(/^["'`(\[]+|["'`)\].,:;]+$/g, "");
    if (run.length >= 2 && text.length > (phrase?.length ?? 0)) phrase = text;
  }
  const opt = /^-{0,2}([a-z][a-z0-9]*(?:-[a-z0-9]+)*)$/i.exec(query);
  const option = opt && (query.startsWith("--") || opt[1]!.includes("-")) ? `--${opt[1]!.toLowerCase()}` : null;
  return { query, relaxed: relaxed && relaxed !== query ? relaxed : null, phrase, option };
}

/**
 * Puts `first` (in its own order) before the other results, keeping Pagefind's order for those.
 * Pagefind ranks by words, not by their order; an article that has the exact phrase, or whose own
 * message names the option searched for, is the better answer.
 */
export function pin<T extends { id: string }>(results: T[], first: T[]): T[] {
  const ids = new Set(first.map((r) => r.id));
  return [...first, ...results.filter((r) => !ids.has(r.id))];
}

/** Copies Pagefind's excerpt (escaped text with <mark>) as text and <mark> elements only. */
function excerptNodes(html: string): Node[] {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const out: Node[] = [];
  for (const n of doc.body.firstChild?.childNodes ?? []) {
    if (n.nodeName === "MARK") {
      const m = document.createElement("mark");
      m.textContent = n.textContent;
      out.push(m);
    } else out.push(document.createTextNode(n.textContent ?? ""));
  }
  return out;
}

/** Text with CRIU options set as code that never breaks after its dashes (as the pages do). */
function prose(text: string): Node[] {
  return splitOptions(text).map((p) => {
    if (!p.option) return document.createTextNode(p.text);
    const code = document.createElement("code");
    code.className = "option";
    code.textContent = p.text;
    return code;
  });
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, ...children: (Node | string)[]) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  e.append(...children);
  return e;
}

export function mountSearch(root: HTMLElement): void {
  // A search box on another page is a plain form that opens the search page.
  if (root.dataset.live === undefined) return;
  const form = root.querySelector<HTMLFormElement>("form")!;
  const input = form.querySelector<HTMLInputElement>("input[name=q]")!;
  const selects = FILTERS.map((name) => form.querySelector<HTMLSelectElement>(`select[name=${name}]`));
  const status = root.querySelector<HTMLElement>("[data-search-status]")!;
  const list = root.querySelector<HTMLOListElement>("[data-search-results]")!;
  const more = root.querySelector<HTMLButtonElement>("[data-search-more]")!;
  const bundle = root.dataset.bundle!;
  const base = root.dataset.base!;

  // The page URL's parameters fill the form (the header's search box sends ?q=).
  const params = new URLSearchParams(location.search);
  if (params.has("q")) input.value = params.get("q") ?? "";
  for (const s of selects) if (s && params.has(s.name)) s.value = params.get(s.name) ?? "";

  let pagefind: Promise<Pagefind> | null = null;
  const load = () =>
    (pagefind ??= (import(/* @vite-ignore */ `${bundle}pagefind.js`) as Promise<Pagefind>).then(async (pf) => {
      await pf.options({ baseUrl: base, excerptLength: 22 });
      await pf.init();
      return pf;
    }));

  let generation = 0;
  let pending: PagefindResult[] = [];

  const filters = () => {
    const f: Record<string, string> = {};
    for (const s of selects) {
      const value = s?.selectedOptions[0]?.dataset.filter;
      if (s && s.value && value) f[s.name] = value;
    }
    return f;
  };

  const syncUrl = () => {
    const p = new URLSearchParams();
    if (input.value.trim()) p.set("q", input.value.trim());
    for (const s of selects) if (s?.value) p.set(s.name, s.value);
    const qs = p.toString();
    const url = `${location.pathname}${qs ? `?${qs}` : ""}`;
    if (url !== location.pathname + location.search) history.replaceState(null, "", url);
  };

  async function render(results: PagefindResult[], gen: number) {
    const data = await Promise.all(results.map((r) => r.data()));
    if (gen !== generation) return;
    for (const d of data) {
      const title = el("a", "search-result__title", ...prose(d.meta.title ?? d.url));
      title.href = d.url;
      const li = el("li", "search-result", el("h2", "search-result__heading", title));
      if (d.meta.summary) li.append(el("p", "search-result__summary", ...prose(d.meta.summary)));
      if (d.excerpt) li.append(el("p", "search-result__excerpt", ...excerptNodes(d.excerpt)));
      const meta = [...(d.filters.phase ?? []), ...(d.filters.area ?? [])].join(" · ");
      if (meta) li.append(el("p", "search-result__meta", meta));
      list.append(li);
    }
  }

  async function run() {
    const gen = ++generation;
    syncUrl();
    const { query, relaxed, phrase, option } = prepareQuery(input.value);
    const f = filters();
    if (!query && !Object.keys(f).length) {
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "";
      return;
    }
    root.dataset.state = "searching";
    const pf = await load();
    let used = query;
    let search = await pf.search(query || null, { filters: f });
    if (gen !== generation) return;
    if (search && search.results.length === 0 && relaxed) {
      search = await pf.search(relaxed, { filters: f });
      if (gen !== generation) return;
      used = relaxed;
    }
    let results = search?.results ?? [];
    // Articles with the exact phrase first, in Pagefind's order among themselves.
    if (phrase) {
      const exact = new Set((await pf.search(`"${phrase.replace(/"/g, "")}"`, { filters: f }))?.results.map((r) => r.id));
      if (gen !== generation) return;
      results = pin(results, results.filter((r) => exact.has(r.id)));
    }
    // An option: the articles whose CRIU message names it, earliest phase first (the dump-time
    // failure the option is for comes before the restore-time one that follows from it).
    if (option) {
      const named = await pf.search(null, { filters: { ...f, names: option }, sort: { stage: "asc" } });
      if (gen !== generation) return;
      if (named?.results.length) results = pin(results, named.results);
    }
    list.replaceChildren();
    const shown = results.slice(0, PAGE);
    pending = results.slice(PAGE);
    await render(shown, gen);
    if (gen !== generation) return;
    more.hidden = pending.length === 0;
    const n = results.length;
    const what = used ? `“${used}”` : "the chosen filters";
    status.textContent =
      (n === 0 ? `No article matches ${what}.` : `${n} ${n === 1 ? "article" : "articles"} for ${what}.`) +
      (used !== input.value.trim() && used ? " (Searched for the message of the line you entered.)" : "");
    root.dataset.query = input.value;
    root.dataset.state = "done";
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), 180);
  };

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    clearTimeout(timer);
    void run();
  });
  input.addEventListener("input", soon);
  for (const s of selects) s?.addEventListener("change", () => void run());
  more.addEventListener("click", async () => {
    const next = pending.slice(0, PAGE);
    pending = pending.slice(PAGE);
    const first = list.children.length;
    await render(next, generation);
    more.hidden = pending.length === 0;
    list.querySelectorAll<HTMLAnchorElement>(".search-result__title")[first]?.focus();
  });
  if (input.value.trim() || selects.some((s) => s?.value)) void run();
  else void load(); // warm up: the first keystroke should not wait for the index
}
