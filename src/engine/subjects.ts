/**
 * Subjects as people re-type them (docs/history.md §3): a backport re-done by hand keeps the
 * words of the original and gains a pull-request number, a branch tag or a "Backport" prefix.
 * Comparing normalised subjects recognises it when the patch changed in conflict resolution.
 */

// `[branch-3.9]`, `[3.9]`, `[2.x]`, `[backport]`, `[branch_9x]`, `[5.2]`: tags that name where a copy went.
const BRANCH_TAG = /^\s*\[(?:backport|branch[-_ ]?[\w.]*|release[-_ ]?[\w.]*|v?\d+(?:[._]\d+|[._]x)*(?:[-_.]x)?|\d+\.x)\]\s*/i;
const BACKPORT_PREFIX = /^\s*(?:backport(?:ed)?(?:\s+of)?|cherry[- ]pick(?:ed)?(?:\s+of)?)\s*:?\s*/i;
// Without a leading \s*: a run of spaces before no "(#" would make every position rescan the run.
const PULL_NUMBER = /\(#\d+\)/g;

export function normaliseSubject(subject: string): string {
  let text = subject.replace(PULL_NUMBER, ' ');
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(BRANCH_TAG, '').replace(BACKPORT_PREFIX, '');
    // `Backport "ABC-1 fix"` quotes what it copies.
    const quoted = /^"(.*)"\s*$/.exec(text.trim());
    if (quoted && previous !== text) text = quoted[1]!;
  }
  return text.replace(/\s+/g, ' ').trim().replace(/\.$/, '').trim().toLowerCase();
}

/** The subject a `Revert "…"` commit names, when it names one. */
export function revertedSubject(subject: string): string | null {
  const match = /^Revert "(.*)"\s*$/.exec(subject.trim());
  return match ? match[1]! : null;
}
