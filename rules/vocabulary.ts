// The fixed vocabularies of an article: phases, areas, wrappers and level tags. Kept apart from
// schema.ts so that the engine and the published types need no zod.

/** When in CRIU's life the failure happens. `any` for failures not tied to one command. */
export const PHASES = ["dump", "pre-dump", "restore", "check", "any"] as const;
export type Phase = (typeof PHASES)[number];

/** The subsystem an article belongs to; the site's "browse by area" pages follow this list. */
export const AREAS = [
  "process tree",
  "mounts",
  "files",
  "sockets",
  "network",
  "namespaces",
  "cgroups",
  "memory",
  "kernel",
  "security",
  "devices",
  "tty",
  "plugins",
  "images",
  "wrappers",
] as const;
export type Area = (typeof AREAS)[number];

/**
 * Container tools and runtimes that wrap CRIU, outermost first: when a log shows several (a
 * kubelet event quoting CRI-O quoting runc), the diagnosis names the first of this list it saw,
 * the tool the user actually ran.
 */
export const WRAPPERS = [
  "kubernetes",
  "cri-o",
  "docker",
  "podman",
  "lxd",
  "crac",
  "openj9",
  "containerd",
  "runc",
  "crun",
  "libcriu",
] as const;
export type Wrapper = (typeof WRAPPERS)[number];

/**
 * Which CRIU level tag a line must carry for a rule to look at it.
 * CRIU writes `Error (file:line): ` for pr_err/pr_perror and `Warn  (file:line): ` (two spaces)
 * for pr_warn; info and debug lines, and everything printed by other tools, carry no tag.
 */
export const TAGS = ["error", "warn", "tagged", "untagged", "any"] as const;
export type Tag = (typeof TAGS)[number];

