import { createHash } from 'node:crypto';
import { compareScripts } from './db-scripts.js';
import type { ManualStepState, RepositoryStatus, TicketFacts } from './model.js';
import { compileRule, type RiskRule } from './risk-rules.js';
import { inScope } from './scope.js';

/** A manual step of a promotion: who owns it, whether it is done, and what it asks (views word it). */
export interface ManualStep {
  id: string;
  source: 'rule' | 'trailer' | 'chat' | 'tracker';
  repository: string | null;
  instruction: StepInstruction;
  owner: string | null;
  status: 'open' | 'done';
  doneBy: string | null;
  doneAt: string | null;
}

export type StepInstruction =
  /** A path rule's `manualStep` template and what fills it; `file` is null for one step per repository. */
  | { kind: 'template'; template: string; ticket: string; repository: string; file: string | null; files: string[]; target: string | null }
  /** A `Manual-Step:` line of a commit, for the promotion to `target`. */
  | { kind: 'trailer'; text: string; target: string | null }
  /** Written by a person (chat, CLI) or read from the tracker. */
  | { kind: 'text'; text: string };

/** The worded form surfaces read (`summary` from views/reasons.ts, passed in through the engine's Wording). */
export type WordedStep = ManualStep & { summary: string };

/**
 * Derived step ids name the target; with none, these words stand in for it. They are part of ids
 * that the ledger keeps done states under, so they are a key, never to be reworded.
 */
const NO_TARGET_KEY = 'the next environment';

/** The manual steps of a promotion: from path rules, from Manual-Step lines, and added by hand. */
export function manualSteps(facts: TicketFacts, repositories: RepositoryStatus[], target: string | null, source: string | null, rules: RiskRule[]): ManualStep[] {
  const steps: Array<Omit<ManualStep, 'status' | 'doneBy' | 'doneAt'>> = [];
  const targetKey = target ?? NO_TARGET_KEY;
  for (const repository of repositories) {
    const scope = inScope(repository, target, source);
    const ownerOf = (file: string): string | null => authorName([...scope].reverse().find((commit) => commit.files.includes(file))?.author);
    for (const rule of rules) {
      if (rule.manualStep === undefined) continue;
      const files = [...new Set(scope.flatMap((commit) => commit.files))].filter(compileRule(rule)).sort(compareScripts);
      if (files.length === 0) continue;
      const perFile = rule.manualStep.includes('{file}');
      for (const file of perFile ? files : [null]) {
        steps.push({
          id: stepId(['rule', facts.ticket, repository.name, rule.code, file ?? files.join(','), targetKey]),
          source: 'rule',
          repository: repository.name,
          instruction: { kind: 'template', template: rule.manualStep, ticket: facts.ticket, repository: repository.name, file, files, target },
          owner: ownerOf(file ?? files[0]!),
        });
      }
    }
    for (const commit of scope) {
      for (const text of commit.manualSteps) {
        steps.push({
          id: stepId(['trailer', facts.ticket, repository.name, commit.sha, text, targetKey]),
          source: 'trailer',
          repository: repository.name,
          instruction: { kind: 'trailer', text, target },
          owner: authorName(commit.author),
        });
      }
    }
  }
  for (const added of facts.manualSteps.added) {
    steps.push({
      id: added.id,
      source: added.source ?? 'chat',
      repository: null,
      instruction: { kind: 'text', text: added.summary },
      owner: added.owner ?? (added.source === 'tracker' ? null : added.createdBy),
    });
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
