import { parse as parseCsv } from 'csv-parse/sync';
import { GigError, NotFoundError } from '../errors.js';
import { approvalState, type ApprovalState } from '../engine/approvals.js';
import { manifestDrift, type Drift } from '../engine/drift.js';
import { buildManifest, type Manifest } from '../engine/manifest.js';
import type { Freshness } from '../engine/freshness.js';
import type { SavedReleaseRecord } from '../engine/ports.js';
import { createTicketMatcher } from '../engine/tickets.js';
import { driftText, WORDING } from '../views/reasons.js';
import { renderReleaseMarkdown } from '../views/release.js';
import type { CommandContext } from './context.js';
import { checkPromotionDirection, evaluate, parseEnvironment, readTickets } from './evaluation.js';
import { parseTicket } from './status.js';

export interface ReleaseRequest {
  id: string;
  from?: string;
  to?: string;
  tickets?: string[];
  /** Build the ticket list from a tracker fix version. */
  fixVersion?: string;
}

export interface ReleaseAnswer {
  manifest: Manifest;
  approvals: ApprovalState;
  /** What changed since the release was saved, in words; empty when it was (re)defined now. */
  drift: string[];
  /** The same changes as data. */
  changes: Drift[];
  savedAt: string;
  created: boolean;
  /** How fresh the index the release was evaluated on is. */
  freshness: Freshness;
}

/** A release as it stands now, and what saving it would write: null when the saved release stands as it is. */
export interface ReleaseState extends ReleaseAnswer {
  toSave: SavedReleaseRecord | null;
}

/**
 * `release <ID> --from --to --tickets …` defines (or redefines) and saves a release; `release <ID>`
 * re-evaluates the saved one against the current index and reports drift. `dryRun` saves nothing.
 */
export async function runRelease(context: CommandContext, request: ReleaseRequest, options: { dryRun?: boolean } = {}): Promise<ReleaseAnswer> {
  const release = await buildRelease(context, request);
  if (!options.dryRun) await saveRelease(context, release);
  return release;
}

/**
 * The release as it stands: evaluated against the current index, with its manifest, its drift since
 * it was saved and where its captains stand. A query: it writes nothing (saveRelease does).
 */
export async function buildRelease(context: CommandContext, request: ReleaseRequest): Promise<ReleaseState> {
  const id = request.id.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(id)) {
    throw new GigError('USAGE', `"${request.id}" is not a release id.`, { hint: 'Use letters, digits, ".", "_" and "-", e.g. REL-2026-12.' });
  }
  const saved = await context.ledger.release(id);
  if (request.fixVersion !== undefined) {
    const fromTracker = context.index.ticketsInFixVersion(request.fixVersion);
    if (fromTracker.length === 0) {
      throw new NotFoundError(`No ticket of fix version "${request.fixVersion}" is known.`, `Connect Jira and run \`gig sync --fix-version "${request.fixVersion}"\` first.`);
    }
    request = { ...request, tickets: [...(request.tickets ?? []), ...fromTracker] };
  }
  const defining = request.tickets !== undefined;
  if (!defining && !saved) {
    throw new NotFoundError(`There is no saved release ${id}.`, `Define it: gig release ${id} --from qa --to uat --tickets ABC-1,ABC-2`);
  }
  const from = parseEnvironment(context, request.from ?? saved?.source ?? '', 'Source');
  const to = parseEnvironment(context, request.to ?? saved?.target ?? '', 'Target');
  checkPromotionDirection(context, from, to);
  const tickets = defining ? [...new Set(request.tickets!.map((ticket) => parseTicket(context, ticket)))] : saved!.tickets;
  if (tickets.length === 0) throw new GigError('USAGE', `Release ${id} names no tickets.`, { hint: 'Give --tickets ABC-1,ABC-2 or --tickets-file <file>.' });

  const together = new Set(tickets);
  const reading = await readTickets(context, tickets);
  const evaluations = tickets.map((ticket) => evaluate(context, reading, ticket, { source: from, target: to, travellingTogether: together }));
  const manifest = buildManifest(id, from, to, evaluations, context.config.risks, context.config.repositories.map((repo) => repo.name), WORDING);
  const now = context.now().toISOString();
  const redefined = defining && (!saved || saved.source !== from || saved.target !== to || saved.tickets.join(',') !== tickets.join(','));
  // A manifest saved by an earlier gig has every field drift reads (engine/drift.ts).
  const changes = saved && !redefined ? manifestDrift(saved.manifest as Manifest, manifest) : [];
  return {
    manifest,
    approvals: await releaseApprovals(context, manifest),
    drift: changes.map(driftText),
    changes,
    savedAt: saved && !redefined ? saved.updatedAt : now,
    created: !saved,
    freshness: reading.freshness,
    toSave: !saved || redefined ? { id, source: from, target: to, tickets, hash: manifest.hash, manifest, createdAt: saved?.createdAt ?? now, updatedAt: now } : null,
  };
}

/** A release's Markdown packet as it stands now; null when there is none to show, whatever stopped it. */
export async function releasePacket(context: CommandContext, id: string): Promise<string | null> {
  try {
    return renderReleaseMarkdown(await buildRelease(context, { id }));
  } catch {
    return null;
  }
}

/** Saves what buildRelease found to save, if anything; true when it wrote. */
export async function saveRelease(context: CommandContext, release: ReleaseState): Promise<boolean> {
  if (release.toSave === null) return false;
  await context.ledger.saveRelease(release.toSave);
  return true;
}

/** Where the release's captains stand on the manifest it has now: every surface asks this. */
export async function releaseApprovals(context: CommandContext, manifest: Manifest): Promise<ApprovalState> {
  return approvalState(await context.ledger.approvals(manifest.release), manifest.hash, context.config.approvals.required);
}

/** Tickets from a file: one per line, or a CSV whose "key"/"ticket"/"issue" column (or first column of ids) holds them. */
export function parseTicketList(context: CommandContext, text: string): string[] {
  const matcher = createTicketMatcher(context.config.tickets);
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0 && !line.startsWith('#'));
  if (lines.every((line) => matcher.parse(line) !== null)) return lines.map((line) => matcher.parse(line)!);
  const delimiter = [',', ';', '\t'].find((candidate) => lines[0]?.includes(candidate)) ?? ',';
  const rows = parseCsv(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true }) as string[][];
  const header = rows[0] ?? [];
  const named = header.findIndex((cell) => /^(issue ?key|key|ticket|ticket ?id|issue|id)$/i.test(cell));
  const column = named >= 0 ? named : header.findIndex((_, index) => rows.slice(1).every((row) => (row[index] ?? '') === '' || matcher.parse(row[index]!) !== null));
  const body = named >= 0 || matcher.parse(header[column] ?? '') === null ? rows.slice(1) : rows;
  if (column < 0) throw new GigError('USAGE', 'The tickets file has no column of ticket ids.', { hint: 'Give one id per line, or a CSV with a "Key" or "Ticket" column.' });
  const tickets = body.map((row) => row[column] ?? '').filter((cell) => cell !== '');
  const invalid = tickets.filter((cell) => matcher.parse(cell) === null);
  if (invalid.length > 0) throw new GigError('TICKET_INVALID', `The tickets file holds values that are not ticket ids: ${invalid.slice(0, 5).join(', ')}.`);
  return tickets.map((cell) => matcher.parse(cell)!);
}
