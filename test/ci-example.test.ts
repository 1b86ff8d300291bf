import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { gigProgram } from './global-build.js';
import { ENVIRONMENTS_YAML, envRepository, nov, tempDir } from './helpers/workspace.js';

/**
 * The CI examples of README.md ("CI pipelines"), run as far as they can be here: every `gig` line
 * and the shell lines around it, in a fresh clone of a repository as a CI job checks it out, with
 * `gig` on the PATH (this run's build). Installing gig from a git URL needs the network and the
 * checkout and upload actions are the CI service's own, so they are the lines left out.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The YAML block that follows `heading` in the CI section. */
function exampleAfter(heading: string): Record<string, unknown> {
  const section = README.slice(README.indexOf('## CI pipelines'));
  const at = section.indexOf(heading);
  expect(at, `README's CI section has "${heading}"`).toBeGreaterThan(0);
  const block = /```yaml\n([\s\S]*?)```/.exec(section.slice(at))!;
  return parse(block[1]!) as Record<string, unknown>;
}

const NEEDS_THE_NETWORK = /^npm install -g git\+/;

/** A repository with a ticket ready for uat (ABC-1, in qa) and one that is not (ABC-2, in dev only), cloned as CI clones it. */
function ciCheckout(): { checkout: string; bin: string } {
  const root = tempDir();
  const repo = envRepository(root, 'shop');
  const ready = repo.commit('ABC-1 validate the cart', { 'cart.ts': 'v1\n' }, { date: nov(2) });
  repo.commit('ABC-2 new checkout flow', { 'checkout.ts': 'v1\n' }, { date: nov(3) });
  repo.checkout('test');
  repo.cherryPick(ready, { date: nov(4), record: true });
  repo.checkout('develop');
  repo.commit('ABC-3 add gig to the pipeline', { 'gig.config.yaml': `projects: [ABC]\n${ENVIRONMENTS_YAML}repositories:\n  - { name: shop, path: . }\n` }, { date: nov(5) });
  const checkout = path.join(root, 'checkout');
  const cloned = spawnSync('git', ['clone', '--quiet', path.join(root, 'repos', 'shop'), checkout], { encoding: 'utf8' });
  expect(cloned.status, cloned.stderr).toBe(0);
  const bin = path.join(root, 'bin');
  mkdirSync(bin);
  symlinkSync(gigProgram(inject('gigBuild')), path.join(bin, 'gig'));
  return { checkout, bin };
}

/** Runs README lines in order as the CI runner would (sh -e each), with `vars` for the inputs. */
function runLines(lines: string[], cwd: string, bin: string, env: Record<string, string>): Array<{ line: string; status: number | null; stderr: string }> {
  return lines.map((line) => {
    const run = spawnSync('sh', ['-ec', line], { cwd, encoding: 'utf8', env: { PATH: `${bin}:${process.env.PATH}`, HOME: process.env.HOME, ...env } });
    return { line, status: run.status, stderr: run.stderr };
  });
}

describe('the README\'s CI examples', () => {
  it('GitHub Actions: syncs, fails a blocked release with 12 after writing the packet, and puts it in the step summary', () => {
    const workflow = exampleAfter('GitHub Actions:') as { jobs: { gate: { steps: Array<{ run?: string; uses?: string }> } } };
    const lines = workflow.jobs.gate.steps.flatMap((step) => (step.run ? [step.run] : [])).filter((line) => !NEEDS_THE_NETWORK.test(line));
    expect(lines[0]).toBe('gig sync');
    const inputs = (release: string, tickets: string): string[] =>
      lines.map((line) => line.replaceAll('${{ inputs.release }}', release).replaceAll('${{ inputs.tickets }}', tickets));

    const { checkout, bin } = ciCheckout();
    const summary = path.join(checkout, '..', 'step-summary.md');
    writeFileSync(summary, '');
    const blocked = runLines(inputs('R-BLOCKED', 'ABC-1,ABC-2'), checkout, bin, { GITHUB_STEP_SUMMARY: summary });
    expect(blocked.map((step) => step.status), JSON.stringify(blocked, null, 2)).toEqual([0, 12, 0]);
    expect(readFileSync(summary, 'utf8')).toMatch(/^# Release R-BLOCKED: qa → uat\n\n\*\*Verdict: BLOCKED\*\*/);

    writeFileSync(summary, '');
    const ready = runLines(inputs('R-READY', 'ABC-1'), checkout, bin, { GITHUB_STEP_SUMMARY: summary });
    expect(ready.map((step) => step.status), JSON.stringify(ready, null, 2)).toEqual([0, 0, 0]);
    expect(readFileSync(summary, 'utf8')).toContain('**Verdict: SAFE**');
    // The actions the example uses for the rest are GitHub's own.
    expect(workflow.jobs.gate.steps.flatMap((step) => (step.uses ? [step.uses.split('@')[0]] : []))).toEqual(['actions/checkout', 'actions/setup-node', 'actions/upload-artifact']);
  });

  it('GitLab CI: the same job fails on BLOCKED and leaves the packet as its artifact', () => {
    const job = (exampleAfter('GitLab CI:') as { 'release-gate': { script: string[]; artifacts: { paths: string[] } } })['release-gate'];
    const lines = job.script.filter((line) => !NEEDS_THE_NETWORK.test(line));
    expect(lines).toHaveLength(3);
    const { checkout, bin } = ciCheckout();
    const run = runLines(lines, checkout, bin, { RELEASE: 'R-GL', TICKETS: 'ABC-2' });
    // The fetch of every branch runs against the clone's origin, as it would against GitLab's.
    expect(run.map((step) => step.status), JSON.stringify(run, null, 2)).toEqual([0, 0, 12]);
    for (const artifact of job.artifacts.paths) expect(existsSync(path.join(checkout, artifact))).toBe(true);
    expect(readFileSync(path.join(checkout, 'release.md'), 'utf8')).toContain('ABC-2');
  });
});
