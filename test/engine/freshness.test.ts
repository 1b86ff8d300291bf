import { describe, expect, it } from 'vitest';
import { indexLag } from '../../src/engine/freshness.js';
import type { BranchHead, IndexedBranches } from '../../src/engine/ports.js';

const mine: IndexedBranches[] = [
  { repository: 'api', syncedAt: '2026-11-27T10:00:00Z', tips: { dev: 'a1', qa: 'a0', uat: null } },
  { repository: 'ui', syncedAt: '2026-11-27T10:02:00Z', tips: { dev: 'u1' } },
];
const head = (repository: string, environment: string, sha: string | null, seenAt: string): BranchHead => ({ repository, environment, sha, seenAt });

describe('whether an index is behind what the other replicas have seen', () => {
  it('is not, when every branch another replica saw is at the tip this index holds', () => {
    expect(indexLag(mine, [head('api', 'dev', 'a1', '2026-11-27T10:05:00Z'), head('api', 'uat', null, '2026-11-27T10:05:00Z')])).toBeNull();
  });

  it('is not, when the other sighting is older than this index’s own sync (this index is the newer one)', () => {
    expect(indexLag(mine, [head('api', 'dev', 'a-old', '2026-11-27T09:00:00Z')])).toBeNull();
  });

  it('is, when a branch was seen at another tip after this index synced it, naming each and the newest sighting', () => {
    expect(indexLag(mine, [head('api', 'qa', 'a2', '2026-11-27T10:04:00Z'), head('api', 'uat', 'a3', '2026-11-27T10:06:00Z'), head('ui', 'dev', 'u2', '2026-11-27T10:01:00Z')])).toEqual({
      branches: ['api/qa', 'api/uat'],
      seenAt: '2026-11-27T10:06:00Z',
    });
  });

  it('ignores branches and repositories this index does not configure', () => {
    expect(indexLag(mine, [head('batch', 'dev', 'b1', '2026-11-27T11:00:00Z'), head('ui', 'prod', 'p1', '2026-11-27T11:00:00Z')])).toBeNull();
  });
});
