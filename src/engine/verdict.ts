import type { Reason } from './reasons.js';

/**
 * Verdicts (DESIGN §4.6): every finding names the policy rule it falls under; the policy maps each
 * rule to a verdict, and the ticket's verdict is the most severe one,
 * blocked > manual-only > risky > safe.
 */
export type Verdict = 'safe' | 'risky' | 'manual-only' | 'blocked';

export type PolicyRule =
  | 'anomaly'
  | 'anomalyElsewhere'
  | 'notInSource'
  | 'missingBranch'
  | 'missingDependency'
  | 'openRejection'
  | 'revertNotInTarget'
  | 'openManualStep'
  | 'warning'
  | 'blockingRisk';

export type VerdictPolicy = Record<PolicyRule, Verdict>;

export const DEFAULT_POLICY: VerdictPolicy = {
  anomaly: 'blocked',
  anomalyElsewhere: 'risky',
  notInSource: 'blocked',
  missingBranch: 'blocked',
  missingDependency: 'blocked',
  openRejection: 'blocked',
  revertNotInTarget: 'blocked',
  blockingRisk: 'blocked',
  openManualStep: 'manual-only',
  warning: 'risky',
};

export interface Finding {
  rule: PolicyRule | 'notFound' | 'backflow';
  reason: Reason;
  /** Set when the finding's weight comes from elsewhere than the policy (the backflow setting of an environment). */
  verdict?: Verdict;
}

/** A finding with the verdict it carries. */
export type WeighedFinding = Required<Finding>;

/** How severe each verdict is: a larger number is worse. */
const VERDICT_SEVERITY: Record<Verdict, number> = { safe: 0, risky: 1, 'manual-only': 2, blocked: 3 };

export function worstVerdict(verdicts: Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((worst, verdict) => (VERDICT_SEVERITY[verdict] > VERDICT_SEVERITY[worst] ? verdict : worst), 'safe');
}

/** The verdict and the findings behind it, most severe first; findings the policy maps to safe are dropped. */
export function decide(findings: Finding[], policy: VerdictPolicy): { verdict: Verdict; findings: WeighedFinding[] } {
  const weighed = findings
    .map((finding): WeighedFinding => ({ ...finding, verdict: finding.verdict ?? (finding.rule === 'notFound' || finding.rule === 'backflow' ? 'blocked' : policy[finding.rule]) }))
    .filter((finding) => finding.verdict !== 'safe');
  weighed.sort((a, b) => VERDICT_SEVERITY[b.verdict] - VERDICT_SEVERITY[a.verdict]);
  return { verdict: worstVerdict(weighed.map((finding) => finding.verdict)), findings: weighed };
}
