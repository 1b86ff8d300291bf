import { randomBytes } from 'node:crypto';
import { GigError, NotFoundError } from '../errors.js';
import type { CommandContext } from './context.js';
import { evaluateOne, parseEnvironment } from './evaluation.js';
import { parseTicket } from './status.js';

/** Commands that record what people know: rejections, deployments, manual steps. Each has a dry run. */

export interface RecordOptions {
  dryRun?: boolean;
}

/** Reads an ISO 8601 time given by a person; a time without zone is refused rather than guessed. */
export function parseTime(raw: string | undefined, context: CommandContext, what: string): string {
  if (raw === undefined) return context.now().toISOString();
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(raw.trim()) || /^\d{4}-\d{2}-\d{2}$/.test(raw.trim());
  const parsed = new Date(raw);
  if (!hasZone || Number.isNaN(parsed.getTime())) {
    throw new GigError('USAGE', `${what} "${raw}" is not an ISO 8601 time with a zone.`, { hint: 'Write it like 2026-11-05T14:30:00Z or 2026-11-05T15:30:00+01:00.' });
  }
  return parsed.toISOString();
}

export interface RejectRequest {
  ticket: string;
  stage: string;
  reason?: string;
  at?: string;
  by?: string;
}

/**
 * Where a ticket can be rejected: at an environment, by the client (a review outside the chain), at
 * `release` (a flagged release), or at a stage the Jira rejection rules name. A typo (`qaa`) would
 * otherwise be a rejection nobody's status ever shows against an environment.
 */
function rejectionStages(context: CommandContext): string[] {
  const fromJira = context.config.jira?.rejections.map((rule) => rule.stage) ?? [];
  return [...new Set([...context.config.environments.map((env) => env.name.toLowerCase()), 'client', 'release', ...fromJira])];
}

export async function runReject(context: CommandContext, request: RejectRequest, options: RecordOptions = {}): Promise<{ ticket: string; stage: string; at: string; recorded: boolean }> {
  const ticket = parseTicket(context, request.ticket);
  const stage = request.stage.trim().toLowerCase();
  const stages = rejectionStages(context);
  if (!stages.includes(stage)) {
    throw new GigError('USAGE', `"${request.stage}" is not a stage gig knows.`, { hint: `Use one of: ${stages.join(', ')}.` });
  }
  const at = parseTime(request.at, context, 'The rejection time');
  if (!options.dryRun) {
    await context.ledger.addRejection({ ticket, stage, at, reason: request.reason ?? null, by: request.by ?? null, source: 'cli' }, context.now().toISOString());
  }
  return { ticket, stage, at, recorded: !options.dryRun };
}

export interface DeployedRequest {
  repository: string;
  environment: string;
  sha: string;
  at?: string;
  by?: string;
  source?: string;
}

export async function runDeployed(
  context: CommandContext,
  request: DeployedRequest,
  options: RecordOptions = {},
): Promise<{ repository: string; environment: string; sha: string; at: string; known: boolean; recorded: boolean }> {
  const names = context.config.repositories.map((repo) => repo.name);
  if (!names.includes(request.repository)) {
    throw new GigError('USAGE', `"${request.repository}" is not a configured repository.`, { hint: `Use one of: ${names.join(', ')}.` });
  }
  const environment = parseEnvironment(context, request.environment, 'Environment');
  if (!/^[0-9a-f]{7,64}$/i.test(request.sha)) throw new GigError('USAGE', `"${request.sha}" is not a commit SHA.`, { hint: 'Give the SHA the environment runs, 7 to 40 hex digits.' });
  const full = context.index.resolveCommit(request.repository, request.sha);
  const sha = full ?? request.sha.toLowerCase();
  const at = parseTime(request.at, context, 'The deployment time');
  if (!options.dryRun) {
    await context.ledger.addDeployment(
      { repository: request.repository, environment, sha, at, source: request.source ?? 'cli', recordedBy: request.by ?? null },
      context.now().toISOString(),
    );
  }
  return { repository: request.repository, environment, sha, at, known: full !== null, recorded: !options.dryRun };
}

export async function runManualAdd(
  context: CommandContext,
  rawTicket: string,
  summary: string,
  options: RecordOptions & { owner?: string; by?: string } = {},
): Promise<{ ticket: string; id: string; recorded: boolean }> {
  const ticket = parseTicket(context, rawTicket);
  const text = summary.trim();
  if (text.length === 0) throw new GigError('USAGE', 'A manual step needs a text.', { hint: 'gig manual ABC-123 add "Run V42__totals.sql on uat"' });
  const id = `m${randomBytes(3).toString('hex')}`;
  if (!options.dryRun) {
    await context.ledger.addManualStep(ticket, { id, summary: text, owner: options.owner ?? null, createdBy: options.by ?? null, createdAt: context.now().toISOString() });
  }
  return { ticket, id, recorded: !options.dryRun };
}

/** Marks a step done (or open again). The step may be derived (rule, trailer) or added by hand. */
export async function runManualSetState(
  context: CommandContext,
  rawTicket: string,
  stepId: string,
  status: 'open' | 'done',
  options: RecordOptions & { by?: string; to?: string } = {},
): Promise<{ ticket: string; id: string; summary: string; status: 'open' | 'done'; recorded: boolean }> {
  const ticket = parseTicket(context, rawTicket);
  const target = options.to === undefined ? undefined : parseEnvironment(context, options.to, 'Target');
  const evaluation = await evaluateOne(context, ticket, target === undefined ? {} : { target });
  const step = evaluation.manualSteps.find((candidate) => candidate.id === stepId.trim());
  if (!step) {
    const known = evaluation.manualSteps.map((candidate) => candidate.id);
    throw new NotFoundError(`${ticket} has no manual step "${stepId}"${evaluation.target ? ` towards ${evaluation.target}` : ''}.`, known.length > 0 ? `Its steps are: ${known.join(', ')} (see gig status ${ticket}).` : `gig status ${ticket} lists its steps.`);
  }
  if (!options.dryRun && step.status !== status) await context.ledger.setManualStepState(ticket, step.id, status, options.by ?? null, context.now().toISOString());
  return { ticket, id: step.id, summary: step.summary, status, recorded: !options.dryRun && step.status !== status };
}
