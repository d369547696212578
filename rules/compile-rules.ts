// One article's frontmatter rules -> compiled rules. Kept apart from compile.ts (which needs zod,
// YAML and the ReDoS checker) so that the site can use it too.
import { requiredLiterals } from "./literals.js";
import type { FailureFrontmatter } from "./schema.js";
import type { CompiledRule } from "./types.js";

export function compileRules(id: string, fm: FailureFrontmatter): CompiledRule[] {
  return fm.match.map((m) => {
    const rule: CompiledRule = {
      article: id,
      pattern: m.pattern,
      role: m.role,
      tag: m.tag,
      priority: m.priority,
      literals: requiredLiterals(m.pattern),
    };
    if (m.source) rule.source = m.source;
    if (m.near) {
      rule.near = { pattern: m.near.pattern, within: m.near.within, direction: m.near.direction, literals: requiredLiterals(m.near.pattern) };
    }
    if (m.wrapper) rule.wrapper = m.wrapper;
    return rule;
  });
}
