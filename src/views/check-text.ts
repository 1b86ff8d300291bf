import type { TicketEvaluation } from '../engine/evaluate.js';
import { renderDetails, renderVerdict } from './evaluation-text.js';
import { PLAIN_LAYOUT, type TextLayout } from './style.js';

/** `gig check`: the promotion's verdict and what the source has that the target lacks. */
export function renderCheckText(evaluation: TicketEvaluation, layout: TextLayout = PLAIN_LAYOUT): string {
  const head = `${evaluation.ticket}: ${evaluation.source} → ${evaluation.target}`;
  const missing =
    evaluation.toPromote.length === 0 && evaluation.notInSource.length === 0 ? [`nothing of ${evaluation.ticket} in ${evaluation.source} is missing in ${evaluation.target}`] : [];
  const warnings = evaluation.warnings.map((warning) => layout.style.warn(`⚠ ${warning}`));
  return [layout.style.strong(head), ...warnings, ...renderVerdict(evaluation, layout.style), ...missing, ...renderDetails(evaluation)].join('\n');
}
