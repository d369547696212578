// Which values from a log may go into a command that a reader will copy and paste. A log is
// untrusted input: a value that is not one plain word for the shell (`;`, `$(...)`, quotes,
// spaces) stays a placeholder, as in the CLI (rules/report.ts).

/** A value the shell reads as one plain word, quoted or not. */
export const PLAIN_WORD = /^[\w@%+=:,./~-]+$/;

/** The captured values that may be put into commands. */
export function commandValues(captures: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(captures).filter(([, v]) => PLAIN_WORD.test(v)));
}
