import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verdictExitCode } from '../src/cli/verdict-exit.js';
import { gig } from './helpers/cli.js';
import { buildFailureLoop } from './helpers/failure-loop.js';

// The failure loop, promoting qa → uat: PAY-8 and PAY-9 are blocked (PAY-9 only without PAY-7, which it needs), PAY-7 manual-only, PAY-11 risky, PAY-13 safe.
let root: string;
beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'gig-verdict-exit-'));
  (await buildFailureLoop(root)).app.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const check = async (ticket: string, ...flags: string[]): Promise<number> => (await gig(root, ['check', ticket, '--from', 'qa', '--to', 'uat', ...flags])).code;

describe('verdicts as exit codes, for pipelines', () => {
  it('gig check fails a blocked promotion with 12 and passes the others by default', async () => {
    expect(await check('PAY-9')).toBe(12);
    expect(await check('PAY-7')).toBe(0);
    expect(await check('PAY-11')).toBe(0);
    expect(await check('PAY-13')).toBe(0);
  });

  it('--fail-on risky fails every verdict but safe, each with its own code', async () => {
    expect(await check('PAY-9', '--fail-on', 'risky')).toBe(12);
    expect(await check('PAY-7', '--fail-on', 'risky')).toBe(11);
    expect(await check('PAY-11', '--fail-on', 'risky')).toBe(10);
    expect(await check('PAY-13', '--fail-on', 'risky')).toBe(0);
  });

  it('--fail-on manual-only lets a risky ticket through', async () => {
    expect(await check('PAY-7', '--fail-on', 'manual-only')).toBe(11);
    expect(await check('PAY-11', '--fail-on', 'manual-only')).toBe(0);
  });

  it('--fail-on never answers with 0 whatever the verdict; --json still prints the answer', async () => {
    const run = await gig(root, ['check', 'PAY-9', '--from', 'qa', '--to', 'uat', '--fail-on', 'never', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'blocked' });
    const failing = await gig(root, ['check', 'PAY-9', '--from', 'qa', '--to', 'uat', '--json']);
    expect(failing.code).toBe(12);
    expect(JSON.parse(failing.stdout)).toMatchObject({ verdict: 'blocked' });
  });

  it('gig status exits 0 on any verdict unless asked', async () => {
    expect((await gig(root, ['status', 'PAY-9'])).code).toBe(0);
    expect((await gig(root, ['status', 'PAY-9', '--fail-on', 'blocked'])).code).toBe(12);
    expect((await gig(root, ['status', 'PAY-7', '--fail-on', 'risky'])).code).toBe(11);
  });

  it('gig release fails on its worst ticket: blocked by default, manual-only when asked', async () => {
    const blocked = await gig(root, ['release', 'R-GATE', '--from', 'qa', '--to', 'uat', '--tickets', 'PAY-7,PAY-8,PAY-11']);
    expect(blocked.code).toBe(12);
    expect(blocked.stdout).toContain('R-GATE');
    expect((await gig(root, ['release', 'R-OK', '--from', 'qa', '--to', 'uat', '--tickets', 'PAY-7,PAY-11'])).code).toBe(0);
    expect((await gig(root, ['release', 'R-OK', '--fail-on', 'manual-only'])).code).toBe(11);
    // Writing the packet to a file fails the same way: the file is written, the job still stops.
    const packet = await gig(root, ['release', 'R-GATE', '--format', 'md', '--out', 'R-GATE.md']);
    expect(packet.code).toBe(12);
    expect(packet.stdout).toContain('wrote R-GATE.md');
  });

  it('an error keeps its own code, below the verdict codes: a ticket nobody knows is 3', async () => {
    expect(await check('PAY-404')).toBe(3);
    expect((await gig(root, ['check', 'PAY-9', '--from', 'qa', '--to', 'uat', '--fail-on', 'sometimes'])).code).toBe(2);
  });

  it('maps each verdict to its code only at or above the threshold', () => {
    expect(verdictExitCode('safe', 'risky')).toBe(0);
    expect(verdictExitCode('blocked', 'blocked')).toBe(12);
    expect(verdictExitCode('manual-only', 'blocked')).toBe(0);
    expect(verdictExitCode('risky', 'never')).toBe(0);
  });
});
