import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFailureLoop, type FailureLoop } from './helpers/failure-loop.js';
import { gig } from './helpers/cli.js';
import { expectGolden } from './helpers/golden.js';
import { normalise } from './helpers/workspace.js';

let loop: FailureLoop;
let root: string;
beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'gig-release-cli-'));
  loop = await buildFailureLoop(root);
  loop.app.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = (...args: string[]) => gig(root, args);

describe('gig release on the command line', () => {
  it('saves a release and prints it for a person', async () => {
    const result = await run('release', 'R1', '--from', 'qa', '--to', 'uat', '--tickets', 'PAY-7,PAY-9,PAY-10');
    expect(result.code).toBe(0);
    expectGolden('release-R1.txt', normalise(result.stdout));
  });

  it('writes the Markdown packet with a section per audience', async () => {
    const result = await run('release', 'R1', '--format', 'md');
    expect(result.stdout).toMatch(/## For QA[\s\S]*## For the client reviewer[\s\S]*## For the release manager/);
    expectGolden('release-R1.md', normalise(result.stdout));
  });

  it('follows the JSON contract', async () => {
    const result = await run('release', 'R1', '--json');
    const body = JSON.parse(result.stdout) as { release: string; hash: string; verdict: string; drift: string[] };
    expect(body).toMatchObject({ release: 'R1', verdict: 'manual-only', drift: [] });
    expect(body.hash).toMatch(/^[0-9a-f]{64}$/);
    expectGolden('release-R1.json', normalise(result.stdout));
  });

  it('writes CSV to a file, defusing cells a spreadsheet would run as formulas', async () => {
    const file = path.join(root, 'R2.csv');
    const result = await run('release', 'R2', '--from', 'qa', '--to', 'uat', '--tickets', 'PAY-14,PAY-11', '--format', 'csv', '--out', file);
    expect(result.stdout).toMatch(/^wrote .*R2\.csv: release R2/);
    const csv = readFileSync(file, 'utf8');
    expect(csv).toContain(`"'=HYPERLINK(""https://example.com"") PAY-14 export links"`);
    expectGolden('release-R2.csv', normalise(csv));
  });

  it('reads the tickets of a release from a file', async () => {
    const file = path.join(root, 'tickets.csv');
    writeFileSync(file, 'Issue key,Summary\nPAY-10,Approval form\n');
    const result = await run('release', 'R3', '--from', 'qa', '--to', 'uat', '--tickets-file', file, '--json');
    expect((JSON.parse(result.stdout) as { tickets: Array<{ ticket: string }> }).tickets.map((ticket) => ticket.ticket)).toEqual(['PAY-10']);
  });
});

describe('gig check, status, manual, reject and deployed on the command line', () => {
  it('prints what QA has and UAT lacks', async () => {
    const result = await run('check', 'PAY-7', '--from', 'qa', '--to', 'uat');
    expect(result.code).toBe(0);
    expectGolden('check-PAY-7.txt', normalise(result.stdout));
    const json = JSON.parse((await run('check', 'PAY-7', '--from', 'qa', '--to', 'uat', '--json')).stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['ticket', 'from', 'to', 'verdict', 'reasons', 'missing', 'notInSource', 'risks', 'manualSteps', 'dependencies']);
    expectGolden('check-PAY-7.json', normalise(JSON.stringify(json, null, 2)));
  });

  it('prints the status of a ticket towards a chosen target', async () => {
    const result = await run('status', 'PAY-7', '--to', 'prod');
    expectGolden('status-PAY-7-prod.txt', normalise(result.stdout));
  });

  it('adds a manual step, lists it and ticks it off', async () => {
    const added = await run('manual', 'PAY-11', 'add', 'Tell the ops team about the new timeout', '--owner', 'Ana', '--json');
    const { id } = JSON.parse(added.stdout) as { id: string };
    expect(id).toMatch(/^m[0-9a-f]{6}$/);
    expect((await run('manual', 'PAY-11')).stdout).toContain(`${id} open  Tell the ops team about the new timeout (owner Ana)`);
    const done = await run('manual', 'PAY-11', 'done', id, '--by', 'Ben');
    expect(done.stdout).toContain(`recorded PAY-11 step ${id} is done`);
    expect((await run('manual', 'PAY-11', 'done', 'mffffff')).code).toBe(3);
  });

  it('records a rejection and a deployment, and refuses times without a zone', async () => {
    expect((await run('reject', 'PAY-10', '--stage', 'uat', '--reason', 'wrong approver', '--at', '2026-11-21T10:00:00Z')).stdout).toContain(
      'recorded PAY-10 rejected at uat on 2026-11-21 10:00 UTC',
    );
    expect((await run('status', 'PAY-10', '--json')).stdout).toContain('"stage": "uat"');
    const deployed = await run('deployed', 'api', 'qa', loop.shas.pay11Qa ?? loop.shas.pay11!, '--at', '2026-11-21T11:00:00Z');
    expect(deployed.code).toBe(0);
    const unzoned = await run('reject', 'PAY-10', '--stage', 'uat', '--at', '2026-11-21 10:00');
    expect(unzoned.code).toBe(2);
    expect(unzoned.stderr).toContain('not an ISO 8601 time with a zone');
    expect((await run('deployed', 'nope', 'qa', 'abcdef1')).code).toBe(2);
  });

  it('refuses a rejection at a stage it does not know, and names the ones it does', async () => {
    const typo = await run('reject', 'PAY-10', '--stage', 'qaa', '--reason', 'typo');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('"qaa" is not a stage gig knows');
    expect(typo.stderr).toContain('Use one of: dev, qa, uat, prod, client, release.');
    expect((await run('status', 'PAY-10', '--json')).stdout).not.toContain('"stage": "qaa"');
    expect((await run('reject', 'PAY-10', '--stage', 'Client', '--reason', 'copy', '--dry-run')).code).toBe(0);
  });
});
