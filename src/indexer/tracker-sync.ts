import type { GigConfig } from '../config.js';
import { toGigError } from '../errors.js';
import { stepId } from '../engine/manual-steps.js';
import type { Ledger, SourceSyncResult, TrackerRecords } from '../engine/ports.js';
import type { TrackerTicket } from '../engine/model.js';
import type { JiraSource } from '../sources/jira/jira-source.js';
import type { TrackerStore, TrackerTicketRecord } from '../store/tracker-store.js';

/** A key Jira said it does not have is asked for again after a day (a ticket restored, a project moved). */
const RECHECK_UNKNOWN_MS = 24 * 3_600_000;

/**
 * Brings tracker facts up to date: tickets first seen in commits are read whole, known ones only
 * when updated since the last good sync, plus the fix versions digests and releases ask for. A
 * failing tracker leaves the last good data in place and is marked stale.
 */
export async function syncJira(jira: JiraSource, store: TrackerStore, ledger: Ledger, config: GigConfig, now: Date, extraFixVersions: string[] = []): Promise<SourceSyncResult> {
  const source = 'jira';
  const state = store.sourceState(source);
  const projects = config.jira?.projects ?? null;
  const unknown = store.unknownKeys(source, new Date(now.getTime() - RECHECK_UNKNOWN_MS).toISOString());
  const seen = store.ticketsSeenInCommits(projects).filter((key) => !unknown.has(key));
  const fetched = store.fetchedTickets();
  const fixVersions = [
    ...new Set([...config.digests.flatMap((digest) => ('fixVersion' in digest.scope ? [digest.scope.fixVersion] : [])), ...extraFixVersions]),
  ];
  const readBefore = store.fixVersionsRead(source);
  try {
    // New keys and fix versions asked for the first time are read whole; the rest only as updated.
    const fresh = seen.filter((key) => !fetched.has(key));
    const known = seen.filter((key) => fetched.has(key));
    const newVersions = fixVersions.filter((version) => !readBefore.has(version));
    const readVersions = fixVersions.filter((version) => readBefore.has(version));
    const whole = await jira.fetch(fresh, newVersions, null);
    const incremental = await jira.fetch(known, readVersions, state.cursor);
    const tickets = [...whole.tickets, ...incremental.tickets].map(toRecord);
    // The ledger first: should it fail, the cursor below stays where it was and the next sync reads
    // these tickets again (each rejection and step is added once, by its external id).
    await ledger.addTrackerRecords(trackerRecords(source, tickets, now.toISOString()), now.toISOString());
    store.saveTickets(source, tickets, now.toISOString());
    store.markUnknown(source, [...whole.unknownKeys, ...incremental.unknownKeys], now.toISOString());
    store.markFixVersionsRead(source, newVersions, now.toISOString());
    store.sourceSucceeded(source, now.toISOString(), now.toISOString());
    return { source, ok: true, items: tickets.length };
  } catch (error) {
    const gigError = toGigError(error);
    store.sourceFailed(source, gigError.message, now.toISOString());
    return { source, ok: false, items: 0, error: gigError };
  }
}

function trackerRecords(source: string, tickets: TrackerTicketRecord[], fetchedAt: string): TrackerRecords {
  return {
    rejections: tickets.flatMap((ticket) =>
      ticket.rejections.map((rejection) => ({ ticket: ticket.key, stage: rejection.stage, at: rejection.at, reason: rejection.reason, by: rejection.by, source, externalId: rejection.externalId })),
    ),
    steps: tickets.flatMap((ticket) => ticket.manualSteps.map((step) => ({ ticket: ticket.key, id: step.id, source: 'tracker' as const, summary: step.summary, owner: null, createdBy: source, createdAt: fetchedAt }))),
  };
}

function toRecord(ticket: TrackerTicket): TrackerTicketRecord {
  return { ...ticket, manualSteps: ticket.manualSteps.map((summary) => ({ id: stepId(['tracker', ticket.key, summary]), summary })) };
}
