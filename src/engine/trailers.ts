/**
 * What a commit message says about other commits and tickets, beyond the ticket IDs in it:
 * `Depends-On:` and `Manual-Step:` lines, `(cherry picked from commit …)` left by `git cherry-pick -x`
 * and `This reverts commit ….` left by `git revert`.
 */
export interface MessageFacts {
  trailers: Array<{ key: string; value: string }>;
  cherryPickedFrom: string[];
  reverts: string[];
}

const TRAILER_KEYS = new Map([
  ['depends-on', 'Depends-On'],
  ['manual-step', 'Manual-Step'],
]);

// `(\S.*)` then trim, not `(.+?)\s*$`: the lazy form backtracks quadratically on a line of spaces.
const TRAILER_LINE = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(\S.*)$/;
const CHERRY_PICK = /\(cherry picked from commit ([0-9a-f]{7,64})\)/gi;
const REVERT = /This reverts commit ([0-9a-f]{7,64})/gi;

export function parseMessageFacts(message: string): MessageFacts {
  const trailers: MessageFacts['trailers'] = [];
  const [, ...body] = message.split('\n');
  // Lines are read anywhere in the body, not only in git's final trailer block: people write
  // "Manual-Step:" in the middle of a message as often as at its end.
  for (const line of body) {
    const match = TRAILER_LINE.exec(line.trim());
    const key = match ? TRAILER_KEYS.get(match[1]!.toLowerCase()) : undefined;
    if (match && key) trailers.push({ key, value: match[2]!.trimEnd() });
  }
  return {
    trailers,
    cherryPickedFrom: [...message.matchAll(CHERRY_PICK)].map((match) => match[1]!.toLowerCase()),
    reverts: [...message.matchAll(REVERT)].map((match) => match[1]!.toLowerCase()),
  };
}
