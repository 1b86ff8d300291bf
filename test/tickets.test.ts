import { describe, expect, it } from 'vitest';
import { DEFAULT_TICKET_PATTERN } from '../src/config.js';
import { createTicketMatcher } from '../src/engine/tickets.js';
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

  it('does not count a dependency as a ticket the commit works on', () => {
    expect(abcOnly.find(parseMessageFacts(message).ticketText)).toEqual(['ABC-1']);
  });

  it('reads cherry-pick and revert references', () => {
    expect(parseMessageFacts(message).cherryPickedFrom).toEqual(['0123456789abcdef0123456789abcdef01234567']);
    expect(parseMessageFacts('Revert "ABC-1 x"\n\nThis reverts commit ABCDEF0123456789abcdef0123456789abcdef01.').reverts).toEqual([
      'abcdef0123456789abcdef0123456789abcdef01',
    ]);
  });
});
