import type { WatchChange } from '../../engine/watch.js';
import { lit } from '../escape/markup.js';
import { shortSha } from '../format.js';
import { VERDICT_LABEL } from '../evaluation-text.js';
import type { Card } from './model.js';

const STATE_WORDS: Record<string, string> = { complete: 'all of it', partial: 'part of it', reverted: 'it reverted', absent: 'none of it', 'no-branch': 'no branch' };

/** One change in words. */
export function watchChangeText(change: WatchChange): string {
  switch (change.kind) {
    case 'verdict':
      return `verdict ${VERDICT_LABEL[change.from]} → **${VERDICT_LABEL[change.to]}**${change.target ? ` (towards ${lit(change.target)})` : ''}`;
    case 'environment':
      return change.to === 'complete'
        ? `reached **${lit(change.environment)}** in ${lit(change.repository)}`
        : `${lit(change.repository)} in ${lit(change.environment)}: now ${STATE_WORDS[change.to] ?? lit(change.to)}${change.from ? ` (was ${STATE_WORDS[change.from] ?? lit(change.from)})` : ''}`;
    case 'after-rejection':
      return `new commit${change.commits.length === 1 ? '' : 's'} after the last rejection: ${change.commits.map((sha) => `\`${lit(shortSha(sha))}\``).join(', ')}`;
    case 'manifest-changed':
      return change.staleApprovals.length > 0
        ? `the manifest changed: the approvals of ${lit(change.staleApprovals.join(', '))} are stale`
        : 'the manifest changed since it was saved';
    case 'approved':
      return `**approved** by ${lit(change.by.join(', '))}`;
  }
}

/** What gig tells a watch after a sync. */
export function watchCard(kind: 'ticket' | 'release', subject: string, changes: WatchChange[]): Card {
  const title = `${kind === 'release' ? 'Release ' : ''}${lit(subject)} changed`;
  return { summary: `${title}: ${watchChangeText(changes[0]!)}`, blocks: [{ kind: 'list', title, items: changes.map(watchChangeText) }] };
}

/** The answer to `watch` / `unwatch`. */
export function watchReply(action: 'watch' | 'unwatch', done: boolean, subject: string, toDm: boolean, prefix: string): Card {
  const where = toDm ? 'in a direct message' : 'here';
  const text =
    action === 'watch'
      ? done
        ? `Watching **${lit(subject)}**: gig tells you ${where} when it reaches an environment, its verdict changes, or a commit comes after a rejection. \`${lit(`${prefix}unwatch ${subject}`)}\` stops it.`
        : `You already watch **${lit(subject)}** ${where}.`
      : done
        ? `Stopped watching **${lit(subject)}** ${where}.`
        : `There was no watch of **${lit(subject)}** ${where}.`;
  return { summary: text, blocks: [{ kind: 'text', text }] };
}
