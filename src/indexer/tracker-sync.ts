import type { GigConfig } from '../config.js';
import { toGigError } from '../errors.js';
import { stepId } from '../engine/risks.js';
import type { SourceSyncResult } from '../engine/ports.js';
import type { TrackerTicket } from '../engine/model.js';
import type { JiraSource } from '../sources/jira/jira-source.js';
import type { TrackerStore, TrackerTicketRecord } from '../store/tracker-store.js';

/**
 * Brings tracker facts up to date: tickets first seen in commits are read whole, known ones only
 * when updated since the last good sync, plus the fix versions digests and releases ask for. A
 * failing tracker leaves the last good data in place and is marked stale.
 */
export async function syncJira(jira: JiraSource, store: TrackerStore, config: GigConfig, now: Date, extraFixVersions: string[] = []): Promise<SourceSyncResult> {
  const source = 'jira';
  const state = store.sourceState(source);
  const projects = config.jira?.projects ?? null;
  const seen = store.ticketsSeenInCommits(projects);
  const fetched = store.fetchedTickets();
  const fixVersions = [
    ...new Set([...config.digests.flatMap((digest) => ('fixVersion' in digest.scope ? [digest.scope.fixVersion] : [])), ...extraFixVersions]),
  ];
  try {
    const fresh = seen.filter((key) => !fetched.has(key));
    const known = seen.filter((key) => fetched.has(key));
    const tickets = [
      ...(fresh.length > 0 ? await jira.fetch(fresh, [], null) : []),
      ...(known.length > 0 || fixVersions.length > 0 ? await jira.fetch(known, fixVersions, state.cursor) : []),
    ];
    store.saveTickets(source, tickets.map(toRecord), now.toISOString());
    store.sourceSucceeded(source, now.toISOString(), now.toISOString());
    return { source, ok: true, items: tickets.length };
  } catch (error) {
    const gigError = toGigError(error);
    store.sourceFailed(source, gigError.message, now.toISOString());
    return { source, ok: false, items: 0, error: gigError };
  }
}

function toRecord(ticket: TrackerTicket): TrackerTicketRecord {
  return { ...ticket, manualSteps: ticket.manualSteps.map((summary) => ({ id: stepId(['tracker', ticket.key, summary]), summary })) };
}
