import type { Anomaly } from './anomalies.js';
import type { ManualStep } from './manual-steps.js';
import type { Suggestion } from './manifest.js';
import type { StaleSource } from './model.js';
import type { Reason } from './reasons.js';
import type { Risk } from './risks.js';

/**
 * The words for what the engine finds. The engine finds data and never words it: views write every
 * sentence (views/reasons.ts), and commands pass that wording in, so that the text fields surfaces
 * read (`reasons`, `summary`, `message`) are the views' words over the engine's data. Nothing the
 * engine decides or hashes depends on them.
 */
export interface Wording {
  reason(reason: Reason): string;
  anomaly(anomaly: Anomaly): string;
  risk(risk: Risk): string;
  manualStep(step: ManualStep): string;
  staleSource(source: StaleSource): string;
  suggestion(suggestion: Suggestion): string;
}
