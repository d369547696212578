// The articles: content/failures/<id>.mdx, validated by the same zod schema the rule compiler uses.
import { defineCollection } from "astro:content";
import { glob } from "astro/loaders";
import { failureSchema } from "../rules/schema.ts";

const failures = defineCollection({
  loader: glob({
    pattern: "*.mdx",
    base: "./content/failures",
    // The id is the file name, exactly as the rule compiler derives it (no slugging, no `slug:`).
    generateId: ({ entry }) => entry.replace(/\.mdx$/, ""),
  }),
  schema: failureSchema,
});

export const collections = { failures };
