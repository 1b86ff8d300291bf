import { describe, expect, it } from 'vitest';
import { DEFAULT_TICKET_PATTERN } from '../src/config.js';
import { createTicketMatcher } from '../src/engine/tickets.js';
import { ticketsOfMessage } from '../src/engine/ownership.js';
import { normaliseSubject } from '../src/engine/subjects.js';
import { parseMessageFacts } from '../src/engine/trailers.js';

const anyProject = createTicketMatcher({ pattern: DEFAULT_TICKET_PATTERN, projects: null });
const abcOnly = createTicketMatcher({ pattern: DEFAULT_TICKET_PATTERN, projects: ['ABC', 'PAY'] });

describe('ticket ids are matched as exact tokens', () => {
  it('finds ABC-12 but not inside ABC-123 or XABC-12', () => {
    expect(anyProject.find('ABC-12 and ABC-123')).toEqual(['ABC-12', 'ABC-123']);
    expect(anyProject.find('XABC-12 fix')).toEqual(['XABC-12']);
    expect(abcOnly.find('XABC-12 fix')).toEqual([]);
    expect(abcOnly.find('ABC-123 done')).not.toContain('ABC-12');
  });

  it('ignores case and normalises to upper case', () => {
    expect(abcOnly.find("Merge branch 'feature/abc-42-totals' into develop")).toEqual(['ABC-42']);
  });

  it('reads ids inside branch names and PR merge subjects', () => {
    expect(abcOnly.find('Merge pull request #42 from org/ABC-123-fix')).toEqual(['ABC-123']);
    expect(abcOnly.find('feature/ABC-7_payment')).toEqual(['ABC-7']);
  });

  it('keeps look-alikes such as UTF-8, SHA-256 and CVE-2024-1 out when projects are listed', () => {
    expect(abcOnly.find('Use UTF-8 and SHA-256 for CVE-2024-1 in ABC-9')).toEqual(['ABC-9']);
    expect(anyProject.find('UTF-8')).toEqual(['UTF-8']);
  });

  it('lists each ticket once, in order of first mention', () => {
    expect(abcOnly.find('PAY-2 ABC-1 pay-2 ABC-1')).toEqual(['PAY-2', 'ABC-1']);
  });

  it('parses a single id and refuses anything else', () => {
    expect(abcOnly.parse(' abc-123 ')).toBe('ABC-123');
    expect(abcOnly.parse('ABC-123x')).toBeNull();
    expect(abcOnly.parse('UTF-8')).toBeNull();
    expect(abcOnly.parse('ABC123')).toBeNull();
  });

  it('follows a configured pattern', () => {
    const numeric = createTicketMatcher({ pattern: '#[0-9]+', projects: null });
    expect(numeric.find('fixes #12 and #345')).toEqual(['#12', '#345']);
  });
});

describe('commit message facts', () => {
  const message = [
    'ABC-1 add totals',
    '',
    'Body mentions nothing.',
    'Depends-On: ABC-2, PAY-3',
    'manual-step: Run db/V42__totals.sql on uat',
    '(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)',
  ].join('\n');

  it('reads Depends-On and Manual-Step lines whatever their case', () => {
    expect(parseMessageFacts(message).trailers).toEqual([
      { key: 'Depends-On', value: 'ABC-2, PAY-3' },
      { key: 'Manual-Step', value: 'Run db/V42__totals.sql on uat' },
    ]);
  });

  it('does not count a dependency as a ticket the commit works on, nor as a mention', () => {
    expect(ticketsOfMessage(message, false, abcOnly, ['Ticket']).refs).toEqual([{ ticket: 'ABC-1', source: 'subject' }]);
  });

  it('reads cherry-pick and revert references', () => {
    expect(parseMessageFacts(message).cherryPickedFrom).toEqual(['0123456789abcdef0123456789abcdef01234567']);
    expect(parseMessageFacts('Revert "ABC-1 x"\n\nThis reverts commit ABCDEF0123456789abcdef0123456789abcdef01.').reverts).toEqual([
      'abcdef0123456789abcdef0123456789abcdef01',
    ]);
  });
});

describe('where a message names a ticket (docs/history.md §2)', () => {
  const trailers = ['Ticket', 'Jira', 'Issue', 'Fixes'];
  const refs = (message: string, isMerge = false) => ticketsOfMessage(message, isMerge, abcOnly, trailers);

  it('owns by the subject and by owning trailers, and only mentions in the rest of the body', () => {
    const message = ['ABC-1 round totals', '', 'A follow-up to ABC-7; see also PAY-3.', 'Refs: ABC-8', 'jira: PAY-9'].join('\n');
    expect(refs(message).refs).toEqual([
      { ticket: 'ABC-1', source: 'subject' },
      { ticket: 'ABC-7', source: 'body' },
      { ticket: 'PAY-3', source: 'body' },
      { ticket: 'ABC-8', source: 'body' },
      { ticket: 'PAY-9', source: 'trailer' },
    ]);
    expect(refs(message).namesItself).toBe(true);
  });

  it('reads a pull request merge: its subject lends the branch, its first body line is the title', () => {
    const merge = refs(['Merge pull request #42 from org/fix-totals', '', 'ABC-5 fix totals', '', 'Reviewed with ABC-6 in mind'].join('\n'), true);
    expect(merge.lends).toEqual([{ ticket: 'ABC-5', source: 'pr' }]);
    expect(merge.refs).toContainEqual({ ticket: 'ABC-6', source: 'body' });
    expect(refs("Merge branch 'feature/ABC-7' into develop", true).lends).toEqual([{ ticket: 'ABC-7', source: 'merge' }]);
    expect(refs('ABC-5 not a merge', false).lends).toEqual([]);
    // A back-merge of main into the ticket's branch lends the ticket nothing: main's commits are not its work.
    expect(refs("Merge branch 'main' into feature/ABC-7", true).lends).toEqual([]);
    expect(refs("Merge remote-tracking branch 'origin/ABC-8-fix' into develop", true).lends).toEqual([{ ticket: 'ABC-8', source: 'merge' }]);
  });

  it('says a commit names no ticket of its own when it only mentions one', () => {
    expect(refs('fix typo\n\nsee ABC-1').namesItself).toBe(false);
  });
});

describe('normalised subjects recognise a backport re-done by hand', () => {
  it('drops pull request numbers, branch tags, Backport prefixes, case and a final period', () => {
    const original = normaliseSubject('PHOENIX-7953 Add addPhoenixDependencyJars utility for MapReduce jobs (#2564)');
    expect(normaliseSubject('PHOENIX-7953 Add addPhoenixDependencyJars utility for MapReduce jobs (#2564) (#2568)')).toBe(original);
    expect(normaliseSubject('[branch-2.3] phoenix-7953 add  addPhoenixDependencyJars utility for MapReduce jobs.')).toBe(original);
    expect(normaliseSubject('[5.2] Backport: "PHOENIX-7953 Add addPhoenixDependencyJars utility for MapReduce jobs"')).toBe(original);
    expect(normaliseSubject('Cherry-pick of PHOENIX-7953 Add addPhoenixDependencyJars utility for MapReduce jobs')).toBe(original);
  });

  it('keeps words that make a different change: an addendum is not the original', () => {
    expect(normaliseSubject('ABC-1 fix totals (addendum)')).not.toBe(normaliseSubject('ABC-1 fix totals'));
    expect(normaliseSubject('[ABC-1][core] fix totals')).not.toBe(normaliseSubject('[core] fix totals'));
  });
});
