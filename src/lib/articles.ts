// The articles as the pages need them: loaded once, sorted, grouped by area, phase and option.
import { getCollection, type CollectionEntry } from "astro:content";
import { AREAS, PHASES, type Area, type Phase } from "../../rules/vocabulary.ts";

export type Article = CollectionEntry<"failures">;

/** Every article, by title. */
export async function getArticles(): Promise<Article[]> {
  const all = await getCollection("failures");
  return all.sort((a, b) => a.data.title.localeCompare(b.data.title, "en"));
}

export const PHASE_LABELS: Record<Phase, string> = {
  dump: "criu dump",
  "pre-dump": "criu pre-dump",
  restore: "criu restore",
  check: "criu check",
  any: "any command",
};

/** Areas in vocabulary order, each with its articles; empty areas are left out. */
export function byArea(articles: Article[]): { area: Area; articles: Article[] }[] {
  return AREAS.map((area) => ({ area, articles: articles.filter((a) => a.data.area === area) })).filter(
    (g) => g.articles.length > 0,
  );
}

/** Phases in vocabulary order with their articles (an `any` article belongs to every phase). */
export function byPhase(articles: Article[]): { phase: Phase; articles: Article[] }[] {
  return PHASES.map((phase) => ({ phase, articles: articles.filter((a) => inPhase(a, phase)) })).filter(
    (g) => g.articles.length > 0,
  );
}

export function inPhase(article: Article, phase: Phase): boolean {
  return article.data.phase.includes(phase) || (phase !== "any" && article.data.phase.includes("any"));
}

/** Every CRIU option some article names, alphabetically, with its articles. */
export function byOption(articles: Article[]): { option: string; articles: Article[] }[] {
  const map = new Map<string, Article[]>();
  for (const a of articles) for (const o of a.data.options) map.set(o, [...(map.get(o) ?? []), a]);
  return [...map].sort(([a], [b]) => a.localeCompare(b, "en")).map(([option, list]) => ({ option, articles: list }));
}

/** Capitalised area name for headings: `process tree` -> `Process tree`. */
export function areaLabel(area: string): string {
  return area.charAt(0).toUpperCase() + area.slice(1);
}
