import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ticketsOfMessage } from '../../src/engine/ownership.js';
import { normaliseSubject } from '../../src/engine/subjects.js';
import { ticketPatternProblem } from '../../src/engine/ticket-pattern.js';
import { createTicketMatcher } from '../../src/engine/tickets.js';
import { parseMessageFacts } from '../../src/engine/trailers.js';
import { runStatus } from '../../src/commands/status.js';
import { gig } from '../helpers/cli.js';
import { envRepository, nov, tempDir, workspace } from '../helpers/workspace.js';

/**
 * Issue #11, "catastrophic regular expressions": a ticket pattern that backtracks exponentially is
 * refused when the configuration is read, and no commit message — however crafted — makes reading
 * it take more than linear time. A hang shows here as the test's timeout.
 */

const MEGABYTE = 1 << 20;
const matcher = createTicketMatcher({ pattern: '[A-Z][A-Z0-9]+-[0-9]+', projects: null });

/** Messages that made one of gig's regular expressions rescan the same text over and over. */
const CRAFTED: Record<string, string> = {
  'a trailer followed by a run of spaces': `ABC-1 subject\n\nTicket: x${' '.repeat(MEGABYTE)}y`,
  'a run of spaces in the subject before no pull-request number': `ABC-1 ${' '.repeat(MEGABYTE)}x`,
  'one endless word of letters': `${'A'.repeat(MEGABYTE)}-1`,
  'ticket-like words without end': 'AB-1'.repeat(MEGABYTE / 4),
  'quotes in a merge subject': `Merge branch '${"''".repeat(MEGABYTE / 2)}`,
  'branch tags without end': `[${'1.'.repeat(MEGABYTE / 2)}`,
};

describe('ticket patterns are checked when the configuration is read', () => {
  it('refuses nested repetition, repeated alternation and back-references, naming the key', async () => {
    expect(ticketPatternProblem('([A-Z]+)+-[0-9]+')).toMatch(/inside a repetition/);
    expect(ticketPatternProblem('(?:ABC|ABCD)*-[0-9]+')).toMatch(/alternation/);
    expect(ticketPatternProblem('([A-Z])\\1-[0-9]+')).toMatch(/back-reference/);
    expect(ticketPatternProblem('[A-Z][A-Z0-9]+-[0-9]+')).toBeNull();
    expect(ticketPatternProblem('(?:ABC|PAY)-[0-9]{1,7}')).toBeNull();

    const root = tempDir();
    envRepository(root, 'api');
    workspace(root, ['api'], "ticketPattern: '([A-Z]+)+-[0-9]+'\n");
    const run = await gig(root, ['status', 'ABC-1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ticketPattern: repeats "[A-Z]+" inside a repetition');
  });
});

describe('crafted commit messages are read in linear time', () => {
  for (const [name, message] of Object.entries(CRAFTED)) {
    it(`reads ${name} (1 MiB)`, () => {
      expect(() => {
        ticketsOfMessage(message, true, matcher, ['Ticket']);
        ticketsOfMessage(message, false, matcher, ['Ticket']);
        parseMessageFacts(message);
        normaliseSubject(message.split('\n')[0]!);
      }).not.toThrow();
    }, 5_000);
  }

  it('syncs a repository holding such a commit and still answers for its ticket', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'api');
    // A message this long does not fit on a command line: git reads it from a file.
    const messageFile = path.join(root, 'message.txt');
    writeFileSync(messageFile, CRAFTED['a trailer followed by a run of spaces']!);
    writeFileSync(path.join(repo.dir, 'a.java'), 'v1\n');
    repo.git(['add', '--all']);
    repo.git(['commit', '--quiet', '-F', messageFile], { date: nov(2) });
    const app = workspace(root, ['api']).open();
    const result = await app.context.sync();
    expect(result.repositories[0]?.ok).toBe(true);
    expect((await runStatus(app.context, 'ABC-1')).found).toBe(true);
  }, 20_000);
});
