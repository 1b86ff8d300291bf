import { commitsNotIn } from '../engine/merge-attribution.js';
import type { DeploymentFact, IndexedCommit, RepositoryFacts } from '../engine/model.js';
import type { DeploymentRecord } from '../engine/ports.js';
import { graphNode, splitParents, storedTips, type StoredTip } from './index-graph.js';
import type { Prepare } from './statements.js';

/** How far back the running SHA of an environment may lie behind its branch before gig stops counting. */
const DEPLOYMENT_WALK_LIMIT = 20_000;

/**
 * One repository's facts about one ticket: its own commits, their relatives (copies, reverts), the
 * environment branches' blobs of the files they touch, deployments and merged pull requests.
 */
export class RepositoryFactsReader {
  constructor(
    private readonly prepare: Prepare,
    /** The ref sources that own, as a JSON array (index-reader.ts). */
    private readonly owning: string,
  ) {}

  /**
   * What repository `name` holds of `ticket`. The ticket's own commits are its non-merge, non-empty
   * commits (docs/history.md §2): an empty commit changes nothing to promote.
   */
  of(repositoryId: number, name: string, ticket: string, deployments: DeploymentRecord[]): RepositoryFacts {
    const ticketIds = this
      .prepare<[number, string, string], { id: number }>(
        `SELECT DISTINCT c.id FROM ticket_refs t JOIN commits c ON c.id = t.commit_id
         WHERE c.repository_id = ? AND t.ticket = ? AND instr(c.parents, ' ') = 0 AND t.source IN (SELECT value FROM json_each(?))
           AND EXISTS (SELECT 1 FROM commit_files f WHERE f.commit_id = c.id) AND EXISTS (SELECT 1 FROM branch_commits b WHERE b.commit_id = c.id)`,
      )
      .all(repositoryId, ticket, this.owning)
      .map((row) => row.id);
    const tips = storedTips(this.prepare, repositoryId);
    const branches = [...tips].map(([environment, tip]) => ({ environment, branch: tip.branch, exists: tip.sha !== null }));
    if (ticketIds.length === 0) return { name, branches, ticketCommits: [], relatives: [], trees: {}, deployments: {}, pullRequests: [] };

    const ticketCommits = this.commitsById(ticketIds);
    const relativeIds = this.relativeIds(repositoryId, ticketCommits).filter((id) => !ticketIds.includes(id));
    // A relative on no branch is one an unfinished sync stored: not published, not seen.
    const relatives = this.commitsById(relativeIds).filter((commit) => commit.environments.length > 0);
    return {
      name,
      branches,
      ticketCommits,
      relatives,
      trees: this.trees(repositoryId, tips.keys(), [...ticketCommits, ...relatives].flatMap((commit) => Object.keys(commit.blobs))),
      deployments: this.deployments(repositoryId, deployments, tips),
      pullRequests: this.pullRequestsOf(repositoryId, ticketCommits.map((commit) => commit.sha)),
    };
  }

  /** The latest deployment of each environment, with what the running SHA lacks of the branch. */
  private deployments(repositoryId: number, latest: DeploymentRecord[], tips: Map<string, StoredTip>): Record<string, DeploymentFact> {
    const result: Record<string, DeploymentFact> = {};
    for (const deployment of latest) {
      const tip = tips.get(deployment.environment)?.sha ?? null;
      let notRunning: string[] | null = null;
      if (tip !== null && graphNode(this.prepare, repositoryId, deployment.sha)) {
        notRunning = tip === deployment.sha ? [] : commitsNotIn(deployment.sha, tip, (sha) => graphNode(this.prepare, repositoryId, sha), DEPLOYMENT_WALK_LIMIT);
      }
      result[deployment.environment] = { sha: deployment.sha, at: deployment.at, source: deployment.source, notRunning };
    }
    return result;
  }

  /** Merged pull requests holding any of the commits, with the environments their merge commit reached. */
  private pullRequestsOf(repositoryId: number, shas: string[]): RepositoryFacts['pullRequests'] {
    const rows = this
      .prepare<[number, string], { number: number; merge_commit_sha: string | null; commit_shas: string }>(
        `SELECT DISTINCT p.number, p.merge_commit_sha, p.commit_shas FROM pull_requests p, json_each(p.commit_shas) c
         WHERE p.repository_id = ? AND c.value IN (SELECT value FROM json_each(?)) AND p.merge_commit_sha IS NOT NULL`,
      )
      .all(repositoryId, JSON.stringify(shas));
    const environmentsOf = this.prepare<[number, string], { environment: string }>(
      'SELECT b.environment FROM branch_commits b JOIN commits c ON c.id = b.commit_id WHERE c.repository_id = ? AND c.sha = ?',
    );
    return rows.map((row) => ({
      number: row.number,
      mergeCommit: row.merge_commit_sha!,
      commits: JSON.parse(row.commit_shas) as string[],
      environments: environmentsOf.all(repositoryId, row.merge_commit_sha!).map((entry) => entry.environment),
    }));
  }

  /** The blob of each given path on each environment branch of a repository. */
  private trees(repositoryId: number, environments: Iterable<string>, paths: string[]): Record<string, Record<string, string>> {
    const trees: Record<string, Record<string, string>> = {};
    // One lookup per (environment, path) on the primary key, never a scan of the branch's files.
    const lookup = this.prepare<[number, string, string], { path: string; blob: string }>(
      'SELECT path, blob FROM branch_files WHERE repository_id = ? AND environment = ? AND path IN (SELECT value FROM json_each(?))',
    );
    const wanted = JSON.stringify([...new Set(paths)]);
    for (const environment of environments) {
      const tree: Record<string, string> = {};
      for (const row of lookup.all(repositoryId, environment, wanted)) tree[row.path] = row.blob;
      trees[environment] = tree;
    }
    return trees;
  }

  /** Commits that copy, or are copied by, or revert a ticket commit. */
  private relativeIds(repositoryId: number, commits: IndexedCommit[]): number[] {
    const patchIds = commits.map((commit) => commit.patchId).filter((id): id is string => id !== null);
    const shas = commits.map((commit) => commit.sha);
    const origins = commits.flatMap((commit) => [...commit.cherryPickedFrom, ...commit.reverts]);
    const ids = new Set<number>();
    const samePatch = this.prepare<[number, string], { id: number }>(
      'SELECT id FROM commits WHERE repository_id = ? AND patch_id IN (SELECT value FROM json_each(?))',
    );
    for (const row of samePatch.all(repositoryId, JSON.stringify(patchIds))) ids.add(row.id);
    // Links may name a commit by an abbreviated SHA: look up every prefix git could have written.
    // CROSS JOIN keeps SQLite from walking every commit of the repository first.
    const prefixes = shas.flatMap((sha) => Array.from({ length: sha.length - 6 }, (_, index) => sha.slice(0, 7 + index)));
    const linking = this.prepare<[string, number], { commit_id: number }>(
      `SELECT l.commit_id FROM commit_links l CROSS JOIN commits c ON c.id = l.commit_id
       WHERE l.target_sha IN (SELECT value FROM json_each(?)) AND c.repository_id = ?`,
    );
    for (const row of linking.all(JSON.stringify(prefixes), repositoryId)) ids.add(row.commit_id);
    const byPrefix = this.prepare<[number, string, string], { id: number }>(
      'SELECT id FROM commits WHERE repository_id = ? AND sha >= ? AND sha < ? LIMIT 2',
    );
    for (const origin of origins) {
      const matches = byPrefix.all(repositoryId, origin, `${origin}g`);
      if (matches.length === 1) ids.add(matches[0]!.id);
    }
    return [...ids];
  }

  private commitsById(ids: number[]): IndexedCommit[] {
    if (ids.length === 0) return [];
    const rows = this
      .prepare<[string], CommitRow>(
        `SELECT c.sha, c.parents, c.generation, c.subject, c.author_name, c.author_email, c.committed_at, c.patch_id, c.additions, c.deletions,
           (SELECT json_group_array(json_array(path, blob, renamed_from)) FROM (SELECT path, blob, renamed_from FROM commit_files f WHERE f.commit_id = c.id ORDER BY path)) AS files,
           (SELECT json_group_array(value) FROM (SELECT value FROM commit_trailers t WHERE t.commit_id = c.id AND t.key = 'Manual-Step' ORDER BY position)) AS manual_steps,
           (SELECT json_group_array(environment) FROM branch_commits b WHERE b.commit_id = c.id) AS environments,
           (SELECT json_group_array(json_array(kind, target_sha)) FROM commit_links l WHERE l.commit_id = c.id) AS links
         FROM commits c WHERE c.id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(ids));
    return rows.map((row) => {
      const links = JSON.parse(row.links) as Array<[string, string]>;
      const files = JSON.parse(row.files) as Array<[string, string | null, string | null]>;
      // A rename wrote the new path and removed the old one.
      const blobs: Record<string, string | null> = {};
      for (const [, , renamedFrom] of files) if (renamedFrom !== null && !(renamedFrom in blobs)) blobs[renamedFrom] = null;
      for (const [path, blob] of files) blobs[path] = blob;
      return {
        sha: row.sha,
        parents: splitParents(row.parents),
        generation: row.generation,
        subject: row.subject,
        authorName: row.author_name,
        authorEmail: row.author_email,
        committedAt: row.committed_at,
        files: files.map(([path]) => path),
        blobs,
        additions: row.additions,
        deletions: row.deletions,
        manualSteps: JSON.parse(row.manual_steps) as string[],
        patchId: row.patch_id,
        cherryPickedFrom: links.filter(([kind]) => kind === 'cherry-pick').map(([, target]) => target),
        reverts: links.filter(([kind]) => kind === 'revert').map(([, target]) => target),
        environments: JSON.parse(row.environments) as string[],
      };
    });
  }
}

interface CommitRow {
  sha: string;
  parents: string;
  generation: number;
  subject: string;
  author_name: string;
  author_email: string;
  committed_at: string;
  patch_id: string | null;
  additions: number;
  deletions: number;
  manual_steps: string;
  files: string;
  environments: string;
  links: string;
}
