import { humanTime, shortSha } from './format.js';

/** Confirmations of the recording commands: what was written, or what would be under --dry-run. */
const prefix = (recorded: boolean): string => (recorded ? 'recorded' : 'dry run, nothing recorded:');

export function renderRejected(result: { ticket: string; stage: string; at: string; recorded: boolean }): string {
  return `${prefix(result.recorded)} ${result.ticket} rejected at ${result.stage} on ${humanTime(result.at)}; commits after this show as "since the rejection".`;
}

export function renderDeployed(result: { repository: string; environment: string; sha: string; at: string; known: boolean; recorded: boolean }): string {
  const line = `${prefix(result.recorded)} ${result.repository} runs ${shortSha(result.sha)} in ${result.environment} since ${humanTime(result.at)}.`;
  return result.known ? line : `${line}\nwarning: ${shortSha(result.sha)} is not in the index of ${result.repository}; run \`gig sync\`, or deployment states stay unknown.`;
}

export function renderManualAdded(result: { ticket: string; id: string; recorded: boolean }): string {
  return `${prefix(result.recorded)} manual step ${result.id} for ${result.ticket}; tick it off with: gig manual ${result.ticket} done ${result.id}`;
}

export function renderManualState(result: { ticket: string; id: string; summary: string; status: string; recorded: boolean }): string {
  return result.recorded || result.status === 'open'
    ? `${prefix(result.recorded)} ${result.ticket} step ${result.id} is ${result.status}: ${result.summary}`
    : `${result.ticket} step ${result.id} was already ${result.status}: ${result.summary}`;
}
