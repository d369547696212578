// Internal links. The site may be published below a path (CRIU_DOCTOR_SITE_URL with a path sets
// Astro's `base`), so every internal href goes through href().

const BASE = import.meta.env.BASE_URL.replace(/\/+$/, "");

/** `/failures/` -> `/failures/` at the root, `/criu-doctor/failures/` below a path. */
export function href(path: `/${string}`): string {
  return BASE + path;
}

export const articleHref = (id: string) => href(`/failures/${id}/`);
export const phaseHref = (phase: string) => href(`/failures/phase/${phase}/`);
export const optionHref = (option: string) => href(`/failures/option/${optionSlug(option)}/`);
export const areaHref = (area: string) => href(`/failures/#${areaSlug(area)}`);

/** `--tcp-established` -> `tcp-established`. */
export function optionSlug(option: string): string {
  return option.replace(/^-+/, "");
}

/** `process tree` -> `area-process-tree`: an anchor on /failures/. */
export function areaSlug(area: string): string {
  return "area-" + area.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
}
