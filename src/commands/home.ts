import { toGigError } from '../errors.js';
import type { HomeContent, HomeRelease } from '../views/cards/home-card.js';
import { personFor, type Actor } from './approvals.js';
import type { CommandContext } from './context.js';
import { nextOccurrences } from '../engine/digest.js';
import { buildRelease } from './release.js';

/** The releases a home page looks at: the most recently (re)defined ones. */
const RELEASES_SHOWN = 10;

/** A person's home: what waits for them, what is open, and when the next digests go out. */
export async function homeContent(context: CommandContext, actor: Actor): Promise<HomeContent> {
  const me = personFor(context, actor);
  const content: HomeContent = { awaitingYou: [], open: [], digests: [], unreadable: [] };
  for (const id of await context.ledger.recentReleases(RELEASES_SHOWN)) {
    let release;
    try {
      release = await buildRelease(context, { id });
    } catch (error) {
      if (toGigError(error).code === 'INTERNAL') throw error;
      content.unreadable.push(id);
      continue;
    }
    const { approvals } = release;
    if (approvals.approved) continue;
    const entry: HomeRelease = { release: id, from: release.manifest.from, to: release.manifest.to, verdict: release.manifest.verdict, approvedBy: approvals.approvedBy, required: approvals.required };
    const mine = me?.captain === true && !approvals.approvedBy.includes(me.name);
    (mine ? content.awaitingYou : content.open).push(entry);
  }
  // When each digest goes out next: the schedule says, the ledger's history of runs is not needed.
  const now = context.now();
  content.digests = context.config.digests.map((digest) => ({
    name: digest.name,
    target: digest.target,
    next: nextOccurrences(digest.cron, digest.timezone, now, 1)[0]?.toISOString() ?? null,
    timezone: digest.timezone,
  }));
  return content;
}
