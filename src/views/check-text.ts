import type { TicketEvaluation } from '../engine/evaluate.js';
import { renderDetails, renderVerdict } from './evaluation-text.js';

/** `gig check`: the promotion's verdict and what the source has that the target lacks. */
export function renderCheckText(evaluation: TicketEvaluation): string {
  const head = `${evaluation.ticket}: ${evaluation.source} → ${evaluation.target}`;
  const missing =
    evaluation.toPromote.length === 0 && evaluation.notInSource.length === 0 ? [`nothing of ${evaluation.ticket} in ${evaluation.source} is missing in ${evaluation.target}`] : [];
  return [head, ...renderVerdict(evaluation), ...missing, ...renderDetails(evaluation)].join('\n');
}
