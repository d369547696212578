// Site-wide constants: the one place to change the name, the repository or the edit links.

export const SITE = {
  name: "criu-doctor",
  tagline: "Why did criu dump or criu restore fail?",
  description:
    "A knowledge base of CRIU checkpoint/restore failures: paste a failed criu dump or restore log and get the line that caused it and how to fix it.",
} as const;

export const REPOSITORY = {
  /** The project's repository: "edit this page" links and the footer point here. */
  url: "https://github.com/criu-doctor/criu-doctor",
  /** The branch that edit links open. */
  branch: "main",
} as const;

/** The page where a file of the repository (e.g. `content/failures/pid-mismatch.mdx`) is edited. */
export function editUrl(filePath: string): string {
  return `${REPOSITORY.url}/edit/${REPOSITORY.branch}/${filePath.replace(/^\.?\//, "")}`;
}
