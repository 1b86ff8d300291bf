import type { RepositoryStatus, TicketStatus } from './model.js';
import { SETTLED } from './status.js';

/**
 * The blocking inconsistencies of DESIGN §4.3. The target environment is where a gap is expected
 * (that is what the promotion fills), so it is exempt from the late follow-up and missed repository
 * checks; every other environment must hold a consistent version of the ticket.
 */
export type AnomalyKind = 'out-of-order' | 'late-follow-up' | 'missed-repository';

export interface Anomaly {
  kind: AnomalyKind;
  repository: string;
  sha: string | null;
  environments: string[];
  message: string;
}

const short = (sha: string): string => sha.slice(0, 8);

export function findAnomalies(status: TicketStatus, target: string | null): Anomaly[] {
  return [
    ...status.repositories.flatMap((repository) => [...outOfOrder(repository, status.environments), ...lateFollowUps(repository, status.environments, target)]),
    ...missedRepositories(status, target),
  ];
}

function hasBranch(repository: RepositoryStatus, env: string): boolean {
  return repository.environments.find((candidate) => candidate.name === env)?.state !== 'no-branch';
}

function outOfOrder(repository: RepositoryStatus, environments: string[]): Anomaly[] {
  const anomalies: Anomaly[] = [];
  const chain = environments.filter((env) => hasBranch(repository, env));
  for (const commit of repository.commits) {
    for (let later = chain.length - 1; later > 0; later -= 1) {
      const laterEnv = chain[later]!;
      if (!SETTLED.has(commit.presence[laterEnv]!) || commit.presence[laterEnv] === 'reverted') continue;
      const skipped = chain.slice(0, later).filter((env) => commit.presence[env] === 'absent');
      if (skipped.length > 0) {
        anomalies.push({
          kind: 'out-of-order',
          repository: repository.name,
          sha: commit.sha,
          environments: [laterEnv, ...skipped],
          message: `${repository.name}: ${short(commit.sha)} "${commit.subject}" is in ${laterEnv} but not in ${skipped.join(', ')} (promoted out of order)`,
        });
      }
      break;
    }
  }
  return anomalies;
}

function lateFollowUps(repository: RepositoryStatus, environments: string[], target: string | null): Anomaly[] {
  const anomalies: Anomaly[] = [];
  const chain = environments.filter((env) => hasBranch(repository, env));
  for (let index = 1; index < chain.length; index += 1) {
    const earlier = chain[index - 1]!;
    const env = chain[index]!;
    const state = (name: string): string | undefined => repository.environments.find((candidate) => candidate.name === name)?.state;
    if (env === target || state(earlier) !== 'complete' || state(env) !== 'partial') continue;
    for (const commit of repository.commits.filter((candidate) => candidate.presence[env] === 'absent')) {
      anomalies.push({
        kind: 'late-follow-up',
        repository: repository.name,
        sha: commit.sha,
        environments: [env, earlier],
        message: `${repository.name}: ${env} lacks ${short(commit.sha)} "${commit.subject}" (${commit.committedAt.slice(0, 10)}), which ${earlier} has: a follow-up was missed`,
      });
    }
  }
  return anomalies;
}

function missedRepositories(status: TicketStatus, target: string | null): Anomaly[] {
  const anomalies: Anomaly[] = [];
  for (const env of status.environments) {
    if (env === target) continue;
    const stateOf = (repository: RepositoryStatus): string | undefined => repository.environments.find((candidate) => candidate.name === env)?.state;
    const arrived = status.repositories.filter((repository) => ['complete', 'partial'].includes(stateOf(repository) ?? ''));
    if (arrived.length === 0) continue;
    for (const repository of status.repositories.filter((candidate) => stateOf(candidate) === 'absent')) {
      anomalies.push({
        kind: 'missed-repository',
        repository: repository.name,
        sha: null,
        environments: [env],
        message: `${repository.name} has none of the ticket in ${env}, where ${arrived.map((other) => other.name).join(' and ')} already ${arrived.length === 1 ? 'is' : 'are'}: a repository was missed`,
      });
    }
  }
  return anomalies;
}
