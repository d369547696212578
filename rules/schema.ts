// The schema of a failure article's frontmatter: the one place that says what an article may
// contain. Astro's content collection (src/content.config.ts) and the rule compiler
// (rules/compile.ts) both validate against it, so the site and the matcher can never disagree.
import { z } from "zod";

import { AREAS, PHASES, TAGS, WRAPPERS } from "./vocabulary.js";

export { AREAS, PHASES, TAGS, WRAPPERS };
export type { Area, Phase, Tag, Wrapper } from "./vocabulary.js";

const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** A regular expression in ECMAScript syntax, checked when the schema is applied. */
const regexSource = z
  .string()
  .min(3, "a pattern this short would match almost any line")
  .superRefine((source, ctx) => {
    if (/\(\?P[<=]/.test(source)) {
      ctx.addIssue({ code: "custom", message: "Python-style (?P<name>...) group: write (?<name>...) instead" });
      return;
    }
    try {
      new RegExp(source);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: `does not compile: ${(e as Error).message}` });
    }
  });

/** A condition on the lines around a match: the rule only fires when it holds. */
export const nearSchema = z
  .object({
    /** Regex searched in the message of a neighbouring line (same rules as `pattern`). */
    pattern: regexSource,
    /** How many lines before and after the matched line are looked at (1 to 500). */
    within: z.number().int().min(1).max(500).default(10),
    /** Look only at earlier lines, only at later lines, or both. */
    direction: z.enum(["before", "after", "both"]).default("both"),
  })
  .strict();

/** One recognition rule: a line that, when it appears in a log, points at this article. */
export const matchRuleSchema = z
  .object({
    /**
     * Regex searched (not anchored) in the line's message: for a tagged CRIU line the text after
     * `Error (file:line): `; for any other line the text after the timestamp and pid columns.
     * Named groups (`(?<pid>\d+)`) become the finding's captures. Never put source line numbers here.
     */
    pattern: regexSource,
    /** `cause`: the line names the failure. `symptom`: a follow-up line that only supports a cause. */
    role: z.enum(["cause", "symptom"]).default("cause"),
    /** Which level tag the line must carry (see TAGS). `any` accepts tagged and untagged lines. */
    tag: z.enum(TAGS).default("any"),
    /** Source file named in the tag, without directories (`mount.c` matches `criu/mount.c`). */
    source: z.array(z.string().regex(/^[\w.-]+\.(?:c|h|go)$/, "a file name such as sk-unix.c")).optional(),
    /** A neighbouring-line condition, for messages CRIU prints from several places. */
    near: nearSchema.optional(),
    /** The line shows that this container tool or runtime wrapped CRIU; a `logPath` group captures where it left the log. */
    wrapper: z.enum(WRAPPERS).optional(),
    /** Ranking among causes: higher first, then the earliest line. Wrapper lines use a negative value. */
    priority: z.number().int().min(-100).max(100).default(0),
  })
  .strict();

/** A fix step: what to do, and optionally the command or config line to type. */
export const fixSchema = z
  .object({
    /** One sentence: what the step does and when it applies. */
    text: z.string().min(10),
    /** A command or config line; `{name}` is replaced with the finding's capture of that name. */
    command: z.string().min(2).optional(),
  })
  .strict();

/** A CRIU release that changed how this failure shows up or is fixed. */
export const versionNoteSchema = z
  .object({
    /** The CRIU version, e.g. `3.17` or `4.0`. */
    version: z.string().regex(/^\d+\.\d+(?:\.\d+)?$/, "a version such as 3.17 or 3.16.1"),
    /** What changed in that release. */
    change: z.string().min(10),
  })
  .strict();

/** A reference: criu.org page, CRIU source file, upstream issue or pull request. */
export const refSchema = z
  .object({
    title: z.string().min(3),
    /** http:// or https:// only: the article links to it (a javascript: URL would be a script). */
    url: z
      .string()
      .url()
      .regex(/^https?:\/\//i, "must be an http:// or https:// URL"),
  })
  .strict();

/** The whole frontmatter of `content/failures/<id>.mdx`. The id is the file name. */
export const failureSchema = z
  .object({
    /** Headline shown in results and search: what failed, in plain words. */
    title: z.string().min(8).max(120),
    /** One sentence (at most 240 characters): what the failure means and the usual fix. */
    summary: z.string().min(20).max(240),
    /** The CRIU commands where this failure occurs. */
    phase: z.array(z.enum(PHASES)).min(1),
    /** The subsystem, for browsing (see AREAS). */
    area: z.enum(AREAS),
    /** CRIU options and config-file lines that fix or relate to this failure, e.g. `--tcp-established`. */
    options: z.array(z.string().regex(/^--[a-z][a-z0-9-]*$/, "an option such as --tcp-established")).default([]),
    /** The rules that recognise this failure in a log. */
    match: z.array(matchRuleSchema).min(1),
    /** Log lines, as CRIU really prints them, that must lead here (a multi-line string is a log excerpt). */
    examples: z.array(z.string().min(3)).min(2),
    /** Near-miss lines that must not lead here. */
    counterexamples: z.array(z.string().min(3)).min(1),
    /** Ordered fix steps; the checker shows them with captured values filled in. */
    fixes: z.array(fixSchema).min(1),
    /** CRIU releases that changed the behaviour. */
    criu: z.array(versionNoteSchema).default([]),
    /** Where the facts come from. */
    refs: z.array(refSchema).min(1),
    /** Failure classes of the CRIU failure catalog (../shared/criu/catalog.json) this article covers. */
    covers: z.array(z.string().regex(NAME, "a catalog class id: lowercase words joined by hyphens")).default([]),
    /** Ids of related articles. */
    related: z.array(z.string().regex(NAME, "an article id: lowercase words joined by hyphens")).default([]),
  })
  .strict();

export type FailureFrontmatter = z.infer<typeof failureSchema>;
export type FailureInput = z.input<typeof failureSchema>;
export type MatchRule = z.infer<typeof matchRuleSchema>;

/** An article id is its file name: lowercase words joined by hyphens. */
export const ARTICLE_ID = NAME;
