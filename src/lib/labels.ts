// How phases and areas are named on the pages and in the search filters. No Astro imports: the
// tests use it too.
import type { Phase } from "../../rules/vocabulary.ts";

export const PHASE_LABELS: Record<Phase, string> = {
  dump: "criu dump",
  "pre-dump": "criu pre-dump",
  restore: "criu restore",
  check: "criu check",
  any: "any command",
};

const AREA_NAMES: Record<string, string> = { tty: "TTY" };

/** Capitalised area name for headings and the search filter: `process tree` -> `Process tree`, `tty` -> `TTY`. */
export function areaLabel(area: string): string {
  return AREA_NAMES[area] ?? area.charAt(0).toUpperCase() + area.slice(1);
}
