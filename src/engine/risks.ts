import { createHash } from 'node:crypto';
import type { CommitStatus, ManualStepState, RejectionFact, RepositoryStatus, TicketFacts } from './model.js';
import { compileRule, type RiskLevel, type RiskRule } from './risk-rules.js';
import { isMissing, isPresent } from './status.js';

/** A risk signal (DESIGN §4.4): a finding with a level, naming the repository and files behind it. */
export interface Risk {
  code: string;
  level: RiskLevel;
  repository: string | null;
  files: string[];
  summary: string;
}

export interface ManualStep {
  id: string;
  source: 'rule' | 'trailer' | 'chat' | 'tracker';
  repository: string | null;
  summary: string;
  owner: string | null;
  status: 'open' | 'done';
  doneBy: string | null;
  doneAt: string | null;
}

/**
 * The changes of one repository that a promotion to `target` would still have to carry: those the
 * target owes, and those the source has that the target lacks.
 */
export function inScope(repository: RepositoryStatus, target: string | null, source: string | null = null): CommitStatus[] {
  if (target === null) return [];
  return repository.commits.filter(
    (commit) => isMissing(commit, target) || (source !== null && commit.presence[target] === 'absent' && isPresent(commit, source)),
  );
}

/** Path-rule risks: every matching rule applies, once per repository, with the files that matched. */
export function pathRisks(repositories: RepositoryStatus[], target: string | null, source: string | null, rules: RiskRule[]): Risk[] {
  const risks: Risk[] = [];
  for (const repository of repositories) {
    const files = [...new Set(inScope(repository, target, source).flatMap((commit) => commit.files))].sort();
    for (const rule of rules) {
      const matches = compileRule(rule);
      const matched = files.filter(matches);
      if (matched.length > 0) {
        risks.push({ code: rule.code, level: rule.level, repository: repository.name, files: matched, summary: `${rule.summary}: ${describeFiles(matched)}` });
      }
    }
  }
  return risks;
}

export interface HistoryContext {
  ticket: string;
  repositories: RepositoryStatus[];
  source: string | null;
  target: string | null;
  lastRejection: RejectionFact | null;
  lastApproval: { release: string; at: string; by: string } | null;
  largeChange: { lines: number; files: number };
}

/** Risks read from history: late follow-ups, reverts, large changes, merged but not deployed. */
export function historyRisks(context: HistoryContext): Risk[] {
  const risks: Risk[] = [];
  const { repositories, target, source } = context;
  // The newer of the last rejection and the last approval: what came after it was not reviewed.
  const rejectionAt = context.lastRejection?.at ?? '';
  const approvalAt = context.lastApproval?.at ?? '';
  const review =
    context.lastApproval && approvalAt > rejectionAt
      ? { at: approvalAt, what: `approval of release ${context.lastApproval.release} by ${context.lastApproval.by}` }
      : context.lastRejection
        ? { at: rejectionAt, what: `${context.lastRejection.stage} rejection` }
        : null;
  for (const repository of repositories) {
    const scope = inScope(repository, target, source);
    if (review) {
      const late = scope.filter((commit) => commit.committedAt > review.at);
      if (late.length > 0) {
        risks.push({
          code: 'late-follow-up',
          level: 'warning',
          repository: repository.name,
          files: [...new Set(late.flatMap((commit) => commit.files))].sort(),
          summary: `${late.length} commit${late.length === 1 ? '' : 's'} after the ${review.what} of ${review.at.slice(0, 10)}: ${late.map((commit) => commit.sha.slice(0, 8)).join(', ')}`,
        });
      }
    }
    const reverted = repository.commits.filter((commit) => commit.revertedBy !== undefined);
    if (reverted.length > 0) {
      // Reverted work that the promotion does not carry (reverted, or owed nowhere) is worth knowing, no risk.
      const live = target !== null && reverted.some((commit) => isPresent(commit, target) || scope.includes(commit));
      risks.push({
        code: 'revert',
        level: live ? 'warning' : 'info',
        repository: repository.name,
        files: [...new Set(reverted.flatMap((commit) => commit.files))].sort(),
        summary: `reverted work: ${reverted.map((commit) => `${commit.sha.slice(0, 8)} reverted by ${commit.revertedBy!.slice(0, 8)}`).join(', ')}`,
      });
    }
    const lines = scope.reduce((sum, commit) => sum + commit.additions + commit.deletions, 0);
    const files = new Set(scope.flatMap((commit) => commit.files));
    if (lines > context.largeChange.lines || files.size > context.largeChange.files) {
      risks.push({
        code: 'large-change',
        level: 'warning',
        repository: repository.name,
        files: [],
        summary: `large change to promote: ${lines} lines in ${files.size} files`,
      });
    }
    for (const env of [source, target].filter((candidate): candidate is string => candidate !== null)) {
      const evidence = repository.deployments[env];
      const waiting = repository.commits.filter((commit) => commit.presence[env] !== 'absent' && commit.deployment[env] === 'not-deployed');
      if (evidence && waiting.length > 0) {
        risks.push({
          code: 'not-deployed',
          level: 'warning',
          repository: repository.name,
          files: [],
          summary: `merged to ${env} but not deployed there (running ${evidence.sha.slice(0, 8)} since ${evidence.at.slice(0, 16).replace('T', ' ')}): ${waiting.map((commit) => commit.sha.slice(0, 8)).join(', ')}`,
        });
      }
    }
  }
  return risks;
}

/** The manual steps of a promotion: from path rules, from Manual-Step lines, and added by hand. */
export function manualSteps(facts: TicketFacts, repositories: RepositoryStatus[], target: string | null, source: string | null, rules: RiskRule[]): ManualStep[] {
  const steps: Array<Omit<ManualStep, 'status' | 'doneBy' | 'doneAt'>> = [];
  const targetName = target ?? 'the next environment';
  for (const repository of repositories) {
    const scope = inScope(repository, target, source);
    const ownerOf = (file: string): string | null => authorName([...scope].reverse().find((commit) => commit.files.includes(file))?.author);
    for (const rule of rules.filter((candidate) => candidate.manualStep !== undefined)) {
      const matches = compileRule(rule);
      const files = [...new Set(scope.flatMap((commit) => commit.files))].filter(matches).sort(compareScripts);
      if (files.length === 0) continue;
      const fill = (template: string, file: string | null): string =>
        template
          .replaceAll('{file}', file ?? '')
          .replaceAll('{files}', files.join(', '))
          .replaceAll('{repository}', repository.name)
          .replaceAll('{target}', targetName)
          .replaceAll('{ticket}', facts.ticket);
      const perFile = rule.manualStep!.includes('{file}');
      for (const file of perFile ? files : [null]) {
        steps.push({
          id: stepId(['rule', facts.ticket, repository.name, rule.code, file ?? files.join(','), targetName]),
          source: 'rule',
          repository: repository.name,
          summary: fill(rule.manualStep!, file),
          owner: file ? ownerOf(file) : ownerOf(files[0]!),
        });
      }
    }
    for (const commit of scope) {
      for (const text of commit.manualSteps) {
        steps.push({
          id: stepId(['trailer', facts.ticket, repository.name, commit.sha, text, targetName]),
          source: 'trailer',
          repository: repository.name,
          summary: target ? `${text} (${target})` : text,
          owner: authorName(commit.author),
        });
      }
    }
  }
  for (const added of facts.manualSteps.added) {
    steps.push({ id: added.id, source: added.source ?? 'chat', repository: null, summary: added.summary, owner: added.owner ?? (added.source === 'tracker' ? null : added.createdBy) });
  }
  return steps.map((step) => withState(step, facts.manualSteps.states[step.id]));
}

function withState(step: Omit<ManualStep, 'status' | 'doneBy' | 'doneAt'>, state: ManualStepState | undefined): ManualStep {
  const done = state?.status === 'done';
  return { ...step, status: done ? 'done' : 'open', doneBy: done ? state.by : null, doneAt: done ? state.at : null };
}

/** Stable, short ids: a derived step keeps its id (and its done state) across re-evaluations. */
export function stepId(parts: string[]): string {
  return `m${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 6)}`;
}

function authorName(author: string | undefined): string | null {
  if (author === undefined) return null;
  return author.replace(/\s*<[^>]*>$/, '') || null;
}

function describeFiles(files: string[]): string {
  return files.length <= 3 ? files.join(', ') : `${files.slice(0, 3).join(', ')} and ${files.length - 3} more`;
}

/**
 * Database scripts run in version order: Flyway's V<version>__ and numbered prefixes compare as
 * numbers (V2 before V10), anything else by name.
 */
export function compareScripts(a: string, b: string): number {
  const version = (path: string): number[] | null => {
    const name = path.split('/').pop() ?? path;
    const match = /^[VvRr]?(\d+(?:[._]\d+)*)(?:__|_|-)/.exec(name);
    return match ? match[1]!.split(/[._]/).map(Number) : null;
  };
  const va = version(a);
  const vb = version(b);
  if (va && vb) {
    for (let index = 0; index < Math.max(va.length, vb.length); index += 1) {
      const diff = (va[index] ?? 0) - (vb[index] ?? 0);
      if (diff !== 0) return diff;
    }
  }
  if (va && !vb) return -1;
  if (!va && vb) return 1;
  return a.localeCompare(b);
}
