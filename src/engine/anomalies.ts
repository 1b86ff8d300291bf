import type { RepositoryStatus, TicketStatus } from './model.js';
import { isMissing, isPresent } from './status.js';
import { ancestorsOf, feeds } from './topology.js';

/**
 * The inconsistencies of docs/history.md §7, along the environment edges. The target is where a
 * gap is expected (that is what the promotion fills), so it is exempt from the missed follow-up
 * and missed repository checks. Each anomaly names the environment it is in first, so the verdict
 * can tell one on the way to the target from one elsewhere. Anomalies are data: views word them.
 */
export type Anomaly =
  | {
      kind: 'out-of-order';
      repository: string;
      sha: string;
      subject: string;
      /** The environment that holds the change, then the ones it skipped, nearest the root first. */
      environments: string[];
    }
  | {
      kind: 'late-follow-up';
      repository: string;
      sha: string;
      subject: string;
      committedAt: string;
      /** The environment that lacks the change, then its feeder, which has it. */
      environments: [string, string];
    }
  | {
      kind: 'missed-repository';
      repository: string;
      sha: null;
      /** The environment where the repository has none of what it owes. */
      environments: [string];
      /** The repositories of the ticket that did arrive there. */
      arrived: string[];
    };

/** The worded form surfaces read (`message` from views/reasons.ts, passed in through the engine's Wording). */
export type WordedAnomaly = Anomaly & { message: string };

export function findAnomalies(status: TicketStatus, target: string | null): Anomaly[] {
  return [
    ...status.repositories.flatMap((repository) => [...outOfOrder(repository, status), ...lateFollowUps(repository, status, target)]),
    ...missedRepositories(status, target),
  ];
}

/** Whether an anomaly stands between the ticket and the target: in the target or an environment feeding it. */
export function onTheWay(anomaly: Anomaly, status: TicketStatus, target: string | null): boolean {
  const where = anomaly.environments[0]!;
  return target === null || where === target || feeds(status.topology, where, target);
}

function stateOf(repository: RepositoryStatus, env: string): string | undefined {
  return repository.environments.find((candidate) => candidate.name === env)?.state;
}

/** A change in an environment whose feeder lacks it, while an environment further up has it: it skipped a step. */
function outOfOrder(repository: RepositoryStatus, status: TicketStatus): Anomaly[] {
  const anomalies: Anomaly[] = [];
  for (const commit of repository.commits) {
    for (const env of status.topology.order) {
      if (!isPresent(commit, env)) continue;
      const ancestors = ancestorsOf(status.topology, env).filter((ancestor) => stateOf(repository, ancestor) !== 'no-branch');
      const feeder = ancestors[0];
      if (feeder === undefined || commit.presence[feeder] !== 'absent') continue;
      const holder = ancestors.findIndex((ancestor) => isPresent(commit, ancestor));
      if (holder < 0) continue;
      const skipped = ancestors.slice(0, holder).reverse();
      anomalies.push({ kind: 'out-of-order', repository: repository.name, sha: commit.sha, subject: commit.subject, environments: [env, ...skipped] });
    }
  }
  return anomalies;
}

/** An environment partial while the one feeding it is complete: a follow-up was missed. */
function lateFollowUps(repository: RepositoryStatus, status: TicketStatus, target: string | null): Anomaly[] {
  const anomalies: Anomaly[] = [];
  for (const env of status.topology.order) {
    const feeder = status.topology.feeder[env] ?? null;
    if (feeder === null || env === target || stateOf(repository, feeder) !== 'complete' || stateOf(repository, env) !== 'partial') continue;
    for (const commit of repository.commits.filter((candidate) => isMissing(candidate, env) && isPresent(candidate, feeder))) {
      anomalies.push({
        kind: 'late-follow-up',
        repository: repository.name,
        sha: commit.sha,
        subject: commit.subject,
        committedAt: commit.committedAt,
        environments: [env, feeder],
      });
    }
  }
  return anomalies;
}

/** One repository of the ticket arrived in an environment while another misses all it owes there. */
function missedRepositories(status: TicketStatus, target: string | null): Anomaly[] {
  const anomalies: Anomaly[] = [];
  for (const env of status.environments) {
    if (env === target) continue;
    const arrived = status.repositories.filter((repository) => ['complete', 'partial'].includes(stateOf(repository, env) ?? ''));
    if (arrived.length === 0) continue;
    const missed = status.repositories.filter(
      (repository) => stateOf(repository, env) === 'absent' && repository.commits.some((commit) => isMissing(commit, env)),
    );
    for (const repository of missed) {
      anomalies.push({ kind: 'missed-repository', repository: repository.name, sha: null, environments: [env], arrived: arrived.map((other) => other.name) });
    }
  }
  return anomalies;
}
