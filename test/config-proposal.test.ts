import { describe, expect, it } from 'vitest';
import { proposeConfig, type LookedAtRepository } from '../src/engine/config-proposal.js';

function repo(name: string, branches: string[], recentSubjects: string[] = [], head: string | null = null): LookedAtRepository {
  return { name, path: `../${name}`, branches, recentSubjects, head };
}

describe('gig init proposes a configuration from what it sees (issue #14)', () => {
  it('names the promotion chain from the usual branch names, in promotion order', () => {
    const proposal = proposeConfig([repo('orders', ['main', 'feature/ABC-1', 'develop', 'uat', 'test'])]);
    expect(proposal.environments).toEqual([
      { name: 'dev', branch: 'develop' },
      { name: 'qa', branch: 'test' },
      { name: 'uat', branch: 'uat' },
      { name: 'prod', branch: 'main' },
    ]);
  });

  it('takes the branch most repositories use and overrides it where one repository differs', () => {
    const proposal = proposeConfig([repo('a', ['develop', 'master']), repo('b', ['develop', 'master']), repo('c', ['dev', 'master'])]);
    expect(proposal.environments.map((env) => env.branch)).toEqual(['develop', 'master']);
    expect(proposal.repositories.find((r) => r.name === 'c')?.branches).toEqual({ dev: 'dev' });
    expect(proposal.repositories.find((r) => r.name === 'a')?.branches).toEqual({});
  });

  it('marks the environments a repository has no branch for', () => {
    const proposal = proposeConfig([repo('a', ['develop', 'main']), repo('b', ['main'])]);
    expect(proposal.repositories.find((r) => r.name === 'b')?.lacking).toEqual(['dev']);
  });

  it('proposes the three newest release lines, fed from the mainline named after its branch, and lists the older ones', () => {
    const proposal = proposeConfig([repo('orc', ['main', 'branch-1.9', 'branch-2.10', 'branch-2.2', 'branch-2.3', 'feature-x'])]);
    expect(proposal.environments).toEqual([
      { name: 'main', branch: 'main' },
      { name: '2.10', branch: 'branch-2.10', from: 'main', backflow: 'ignore' },
      { name: '2.3', branch: 'branch-2.3', from: 'main', backflow: 'ignore' },
      { name: '2.2', branch: 'branch-2.2', from: 'main', backflow: 'ignore' },
    ]);
    expect(proposal.otherReleaseLines).toEqual(['1.9']);
  });

  it('reads the release-line spellings of real projects', () => {
    const names = ['release/5.2', 'release-5.1', '4.x', '3.6.x-fixes', 'v2.0', '1.0-branch'];
    const proposal = proposeConfig([repo('p', ['master', ...names])]);
    expect([...proposal.environments.slice(1).map((env) => env.name), ...proposal.otherReleaseLines]).toEqual(['5.2', '5.1', '4', '3.6', '2.0', '1.0']);
  });

  it('falls back to the branch HEAD names when no usual name is found', () => {
    expect(proposeConfig([repo('x', ['trunk-ng'], [], 'trunk-ng')]).environments).toEqual([{ name: 'prod', branch: 'trunk-ng' }]);
  });

  it('proposes the ticket keys the team writes, and not encodings, hashes or advisories', () => {
    const subjects = [
      'PHOENIX-7001 Fix scan',
      'PHOENIX-7002 Convert to UTF-8',
      'PHOENIX-7003 Bump for CVE-2024-1234',
      'OMID-12 Follow-up',
      'OMID-13 Follow-up',
      'OMID-14 Follow-up',
      'Use SHA-256 digests',
      'HBASE-1 mention once',
      ...Array.from({ length: 20 }, (_, i) => `PHOENIX-${7100 + i} Work`),
    ];
    const proposal = proposeConfig([repo('phoenix', ['master'], subjects)]);
    expect(proposal.projects).toEqual(['PHOENIX', 'OMID']);
    expect(proposal.projectCounts).toEqual({ PHOENIX: 23, OMID: 3 });
    expect(proposal.exampleTicket).toBe('PHOENIX-7001');
  });

  it('proposes no projects when the history names no tickets, and flags win over what it sees', () => {
    expect(proposeConfig([repo('x', ['main'], ['initial commit'])]).projects).toEqual([]);
    const proposal = proposeConfig([repo('x', ['main', 'develop'], ['ABC-1 a', 'ABC-2 b'])], {
      projects: ['XYZ'],
      environments: [{ name: 'live', branch: 'main' }],
    });
    expect(proposal.projects).toEqual(['XYZ']);
    expect(proposal.environments).toEqual([{ name: 'live', branch: 'main' }]);
  });
});
