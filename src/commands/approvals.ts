import type { Person } from '../config.js';
import type { ApprovalState, DecisionOutcome } from '../engine/approvals.js';
import type { Freshness } from '../engine/freshness.js';
import type { Manifest } from '../engine/manifest.js';
import type { CommandContext } from './context.js';
import { buildRelease, releaseApprovals } from './release.js';

/** Who clicked: a chat user (by platform id) or a CLI user (by name). */
export interface Actor {
  platform: 'slack' | 'teams' | 'cli';
  id: string;
}

export interface DecisionAnswer {
  outcome: DecisionOutcome;
  /** The release as it is now, for refreshing the card whatever the outcome. */
  manifest: Manifest;
  approvals: ApprovalState;
  freshness: Freshness;
}

export function personFor(context: CommandContext, actor: Actor): Person | null {
  const { platform } = actor;
  if (platform === 'cli') return context.config.people.find((person) => person.name === actor.id) ?? null;
  return context.config.people.find((person) => person[platform] === actor.id) ?? null;
}

/**
 * A release captain's decision on the manifest they were shown (DESIGN §4.7). Only captains decide;
 * a captain who wrote a commit of the release does not approve it unless allowed; the same click
 * twice is one decision; a decision on a manifest that changed since is refused. A flag needs a
 * reason and counts as a rejection of every ticket of the release at stage "release". A BLOCKED
 * release is not approved, unless the policy allows an override (approvals.allowBlockedOverride)
 * and the captain gives a reason, recorded with the approval.
 */
export async function decideRelease(
  context: CommandContext,
  request: { releaseId: string; hash: string; decision: 'approve' | 'flag'; actor: Actor; reason?: string; override?: boolean },
): Promise<DecisionAnswer> {
  const { manifest, freshness, approvals } = await buildRelease(context, { id: request.releaseId });
  // A refusal records nothing: the approvals just read still stand.
  const answer = (outcome: DecisionOutcome): DecisionAnswer => ({ outcome, manifest, freshness, approvals });
  const person = personFor(context, request.actor);
  if (!person?.captain) return answer({ kind: 'not-captain' });
  // A card made by a replica whose index is newer than this one's reads as stale here too: say so.
  if (request.hash !== manifest.hash) return answer(freshness.behind ? { kind: 'stale', behind: freshness.behind } : { kind: 'stale' });
  const reason = request.reason?.trim() ?? '';
  if (request.decision === 'flag' && reason === '') return answer({ kind: 'reason-required' });
  // A BLOCKED release is approved only as an override: allowed by the policy, asked for as one,
  // and with a reason, which the approval carries in the ledger.
  const overridable = context.config.approvals.allowBlockedOverride;
  if (request.decision === 'approve' && manifest.verdict === 'blocked') {
    if (!overridable || !request.override) return answer({ kind: 'blocked', overridable });
    if (reason === '') return answer({ kind: 'override-reason-required' });
  }
  if (request.decision === 'approve' && !context.config.approvals.allowSelfApproval && person.email) {
    const own = manifest.repositories.flatMap((repository) =>
      repository.commitsToPromote.filter((commit) => commit.author.toLowerCase().includes(`<${person.email!.toLowerCase()}>`)).map((commit) => commit.sha),
    );
    if (own.length > 0) return answer({ kind: 'self-approval', commits: own });
  }
  const at = context.now().toISOString();
  const recorded = await context.ledger.addApproval(
    { releaseId: manifest.release, hash: manifest.hash, decision: request.decision, by: person.name, at, reason: reason || null, platform: request.actor.platform },
    `${manifest.release}:${manifest.hash}:${person.name}:${request.decision}`,
  );
  if (recorded && request.decision === 'flag') {
    for (const ticket of manifest.tickets) {
      await context.ledger.addRejection({ ticket: ticket.ticket, stage: 'release', at, reason, by: person.name, source: 'release-flag' }, at);
    }
  }
  const kind = recorded ? 'recorded' : 'duplicate';
  return { outcome: { kind, decision: request.decision, by: person.name }, manifest, freshness, approvals: await releaseApprovals(context, manifest) };
}
