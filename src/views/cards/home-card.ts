import type { Verdict } from '../../engine/verdict.js';
import { lit } from '../escape/markup.js';
import { when } from './links.js';
import type { Card, CardBlock } from './model.js';
import { VERDICT_BADGE } from './status-card.js';

export interface HomeRelease {
  release: string;
  from: string;
  to: string;
  verdict: Verdict;
  approvedBy: string[];
  required: number;
}

/** What a person's home page (Slack App Home) shows them. */
export interface HomeContent {
  /** Releases waiting for this person's approval: they are a captain and have not approved this manifest. */
  awaitingYou: HomeRelease[];
  /** Every other open release (not approved yet). */
  open: HomeRelease[];
  /** The next time each digest goes out. */
  digests: Array<{ name: string; target: string; next: string | null; timezone: string }>;
  /** Releases that could not be evaluated now (an environment renamed since, …), by id. */
  unreadable: string[];
}

/** A person's home page (Slack App Home): what waits for them first, then what is open, then the digests. */
export function homeCard(content: HomeContent, prefix: string): Card {
  const line = (release: HomeRelease): string =>
    `**${lit(release.release)}** ${lit(release.from)} → ${lit(release.to)} · ${VERDICT_BADGE[release.verdict]} · approvals ${release.approvedBy.length}/${release.required} — \`${lit(`${prefix}release ${release.release}`)}\``;
  const blocks: CardBlock[] = [{ kind: 'header', text: 'gig: your releases' }];
  blocks.push(
    content.awaitingYou.length > 0
      ? { kind: 'list', title: 'Waiting for your approval', items: content.awaitingYou.map(line) }
      : { kind: 'text', text: '**Waiting for your approval**\nnothing' },
  );
  if (content.open.length > 0) blocks.push({ kind: 'list', title: 'Other open releases', items: content.open.map(line) });
  if (content.unreadable.length > 0) blocks.push({ kind: 'context', text: `Cannot be evaluated now: ${content.unreadable.map(lit).join(', ')}` });
  if (content.digests.length > 0) {
    blocks.push({
      kind: 'list',
      title: 'Next digests',
      items: content.digests.map((digest) => `**${lit(digest.name)}** → ${lit(digest.target)}: ${digest.next ? when(digest.next) : 'not scheduled'}`),
    });
  }
  blocks.push({ kind: 'context', text: `Releases defined most recently, up to ten. \`${lit(`${prefix}help`)}\` lists every command.` });
  return { summary: 'gig: your releases', blocks };
}
