import { describe, expect, it } from 'vitest';
import { decideRelease } from '../../src/commands/approvals.js';
import type { CommandContext } from '../../src/commands/context.js';
import { buildRelease, runRelease, saveRelease } from '../../src/commands/release.js';
import type { GigConfig } from '../../src/config.js';
import type { TicketFacts } from '../../src/engine/model.js';
import type { ApprovalRecord, IndexReader, Ledger, SavedReleaseRecord } from '../../src/engine/ports.js';
import { DEFAULT_RISK_RULES } from '../../src/engine/risk-rules.js';
import { chainTopology } from '../../src/engine/topology.js';
import { DEFAULT_POLICY } from '../../src/engine/verdict.js';
import { BRANCHES, CHAIN, commit, repository, ticket } from './facts.js';

/**
 * Releases as a query apart from the write (issue #13): buildRelease reads the index and the
 * ledger and writes nothing; saveRelease writes what it found; readers (approvals, digests, cards)
 * use the query. Over literal facts and an in-memory ledger that records every write.
 */

const config = {
  file: 'gig.config.yaml',
  dir: '.',
  tickets: { pattern: '[A-Z][A-Z0-9]+-[0-9]+', projects: null, ownedBy: ['subject'], trailers: [] },
  environments: CHAIN.map((name, index) => ({ name, branch: BRANCHES[name]!, from: index === 0 ? null : CHAIN[index - 1]!, backflow: 'warn' as const })),
  topology: chainTopology(CHAIN),
  repositories: ['db', 'api'].map((name) => ({ name, source: { kind: 'path' as const, path: name }, branches: BRANCHES })),
  risks: DEFAULT_RISK_RULES,
  policy: DEFAULT_POLICY,
  largeChange: { lines: 1000, files: 50 },
  people: [{ name: 'Ben', email: 'ben@example.com', slack: 'U0BEN', captain: true }],
  approvals: { required: 1, allowSelfApproval: false },
  sync: { cron: '*/5 * * * *' },
  teams: { tenants: [] },
  digests: [],
  jira: null,
  github: { environments: {} },
} as unknown as GigConfig;

const FACTS: Record<string, TicketFacts> = {
  'PAY-7': ticket('PAY-7', [repository('db', [commit('query-script', ['dev', 'qa'], { subject: 'PAY-7 add totals column', files: ['db/V7__totals.sql'] })])]),
  'PAY-9': ticket('PAY-9', [repository('api', [commit('query-invoice', ['dev', 'qa'], { subject: 'PAY-9 show totals' })])]),
};

function contextWith(saved: SavedReleaseRecord[] = []): { context: CommandContext; writes: string[] } {
  const writes: string[] = [];
  const releases = new Map(saved.map((record) => [record.id, record]));
  const approvals: ApprovalRecord[] = [];
  const reads: Partial<Ledger> = {
    records: async () => ({ tickets: new Map(), deployments: new Map(), heads: [] }),
    release: async (id) => releases.get(id) ?? null, approvals: async (id) => approvals.filter((approval) => approval.releaseId === id) };
  const writers: Partial<Ledger> = {
    saveRelease: async (record) => void releases.set(record.id, record),
    addApproval: async (approval) => approvals.push(approval) > 0,
  };
  const ledger = new Proxy({} as Ledger, {
    get: (_, name: string) => {
      if (name in reads) return reads[name as keyof Ledger];
      writes.push(name);
      return writers[name as keyof Ledger] ?? (() => undefined);
    },
  });
  const index = {
    ticketFacts: (key: string) => FACTS[key] ?? ticket(key, []),
    dependencyEdges: () => [],
    indexedBranches: () => [],
    asOf: () => '2026-11-21T08:00:00.000Z',
  } as unknown as IndexReader;
  return { context: { config, index, ledger, sync: () => Promise.reject(new Error('no sync here')), now: () => new Date('2026-11-21T09:00:00.000Z') }, writes };
}

describe('a release as a query and a write', () => {
  it('builds a new release without writing, and saves it only when asked', async () => {
    const { context, writes } = contextWith();
    const release = await buildRelease(context, { id: 'R-Q', from: 'qa', to: 'uat', tickets: ['PAY-7', 'PAY-9'] });
    expect(writes).toEqual([]);
    expect(release).toMatchObject({ created: true, drift: [], changes: [], approvals: { approved: false, required: 1 } });
    expect(release.toSave).toMatchObject({ id: 'R-Q', source: 'qa', target: 'uat', tickets: ['PAY-7', 'PAY-9'], hash: release.manifest.hash });

    expect(await saveRelease(context, release)).toBe(true);
    expect(writes).toEqual(['saveRelease']);
  });

  it('re-evaluates a saved release with nothing to save, and runRelease then writes nothing either', async () => {
    const { context, writes } = contextWith();
    await runRelease(context, { id: 'R-Q', from: 'qa', to: 'uat', tickets: ['PAY-7'] });
    writes.length = 0;
    const again = await buildRelease(context, { id: 'R-Q' });
    expect(again).toMatchObject({ created: false, toSave: null, drift: [] });
    expect(await saveRelease(context, again)).toBe(false);
    await runRelease(context, { id: 'R-Q' });
    expect(writes).toEqual([]);
  });

  it('decides on the release as built, writing the decision only', async () => {
    const { context, writes } = contextWith();
    const { manifest } = await runRelease(context, { id: 'R-Q', from: 'qa', to: 'uat', tickets: ['PAY-9'] });
    writes.length = 0;
    const answer = await decideRelease(context, { releaseId: 'R-Q', hash: manifest.hash, decision: 'approve', actor: { platform: 'slack', id: 'U0BEN' } });
    expect(answer.outcome).toEqual({ kind: 'recorded', decision: 'approve', by: 'Ben' });
    expect(answer.approvals).toMatchObject({ approved: true, approvedBy: ['Ben'] });
    expect(writes).toEqual(['addApproval']);
  });
});
