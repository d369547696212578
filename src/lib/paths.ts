// Internal links. The site may be published below a path (CRIU_DOCTOR_SITE_URL with a path sets
// Astro's `base`), so every internal href goes through href().
//
// The URLs are stable; other sites and the CLI link to them:
//   /failures/<id>/                 an article (its id is the file name)
//   /failures/                      every article, by area (#area-<area> anchors)
//   /failures/phase/<phase>/        articles of one CRIU command: dump, pre-dump, restore, check, any
//   /failures/area/<area>/          articles of one subsystem: process-tree, mounts, ... (AREAS)
//   /failures/option/<option>/      articles that name one CRIU option, without its dashes
//   /options/                       every option and config-file line (#<option> anchors)
//   /messages/                      every CRIU message the rules recognise (#<id> anchors per article)
//   /search/?q=&phase=&area=&option=  the search page

const BASE = import.meta.env.BASE_URL.replace(/\/+$/, "");

/**
 * A link to another site (an article's references), as the URL parser writes it: `"`, `<`, `>`,
 * spaces and backticks come out percent-encoded. Astro 5 writes an http(s) URL that holds `&` into
 * an attribute without escaping anything, `"` included (removed in withastro/astro#15740), so a
 * reference URL with `&` and `"` would end the href and put the rest of it into the page as markup.
 */
export function externalHref(url: string): string {
  return new URL(url).href;
}

/** `/failures/` -> `/failures/` at the root, `/criu-doctor/failures/` below a path. */
export function href(path: `/${string}`): string {
  return BASE + path;
}

export const articleHref = (id: string) => href(`/failures/${id}/`);
export const phaseHref = (phase: string) => href(`/failures/phase/${phase}/`);
export const optionHref = (option: string) => href(`/failures/option/${optionSlug(option)}/`);
export const areaHref = (area: string) => href(`/failures/area/${areaPathSlug(area)}/`);
/** An option's entry in the option index. */
export const optionIndexHref = (option: string) => href(`/options/#${optionSlug(option)}`);
/** An article's messages in the message index. */
export const messagesHref = (id: string) => href(`/messages/#${id}`);

/** `--tcp-established` -> `tcp-established`: the URL slug, and the line of a CRIU config file. */
export function optionSlug(option: string): string {
  return option.replace(/^-+/, "");
}

/** `process tree` -> `area-process-tree`: an anchor on /failures/. */
export function areaSlug(area: string): string {
  return "area-" + areaPathSlug(area);
}

/** `process tree` -> `process-tree`: the area's URL segment. */
export function areaPathSlug(area: string): string {
  return area.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
}
