// Completes the engine's findings with what the page shows from each article. Pure: used by the
// worker, which holds the rule set.
import type { CompiledArticle, Diagnosis } from "../../rules/types.ts";
import { commandParts } from "../lib/text.ts";
import type { Report, ReportFinding } from "./protocol.ts";

export function toReport(
  diagnosis: Diagnosis,
  articles: ReadonlyMap<string, CompiledArticle>,
  stats: { lines: number; size: number; ms: number },
): Report {
  const findings: ReportFinding[] = diagnosis.findings.map((f) => {
    const article = articles.get(f.id);
    return {
      ...f,
      summary: article?.summary ?? "",
      area: article?.area ?? "",
      fixes: (article?.fixes ?? []).map((fix) => ({
        text: fix.text,
        command: fix.command === undefined ? undefined : commandParts(fix.command, f.captures),
      })),
    };
  });
  return { ...diagnosis, findings, ...stats };
}
