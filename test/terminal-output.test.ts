import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/program.js';
import { expectGolden } from './helpers/golden.js';
import { envRepository, nov, tempDir, workspace, normalise } from './helpers/workspace.js';

interface Terminal {
  isTTY: boolean;
  columns?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs gig as if on a terminal (or a pipe) of this kind, and returns what it printed. */
async function onTerminal(cwd: string, args: string[], terminal: Terminal): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await runCli(args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...terminal.env },
    stdout: { write: (text: string) => (stdout += text), isTTY: terminal.isTTY, ...(terminal.columns ? { columns: terminal.columns } : {}) },
    stderr: { write: () => true, isTTY: terminal.isTTY },
  });
  return { code, stdout };
}

/** A ticket with a plain subject, a CJK subject with an emoji, and one from a hostile author. */
async function wideWorkspace(): Promise<string> {
  const root = tempDir();
  const repo = envRepository(root, 'shop');
  const plain = repo.commit('ABC-1 validate the cart', { 'cart.ts': 'v1\n' }, { date: nov(2) });
  const wide = repo.commit('ABC-1 修复购物车 🚀', { 'cart.ts': 'v2\n' }, { date: nov(3) });
  repo.commit('ABC-1 \u001b[32mlooks fine\u001b[0m', { 'cart.ts': 'v3\n' }, { date: nov(4) });
  repo.checkout('test');
  repo.cherryPick(plain, { date: nov(5), record: true });
  repo.cherryPick(wide, { date: nov(5), record: true });
  repo.checkout('develop');
  const app = workspace(root, ['shop']).open();
  await app.context.sync();
  app.close();
  return root;
}

const ESC = '\u001b';
const stripColour = (text: string): string => text.replaceAll(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '');

describe('terminal output', () => {
  it('measures the one-column characters it takes a short cut for as string-width does', async () => {
    const { pad } = await import('../src/views/format.js');
    for (const text of ['✓', '≈', '≃', '⇊', '↺', '·', '–', '⚑', '…', '“quoted”', '→', 'é', 'ABC-1 fix']) expect(pad(text, 12).length - text.length).toBe(12 - stringWidth(text));
    expect(pad('修复', 6)).toBe('修复  ');
    expect(pad('🚀', 4)).toBe('🚀  ');
  });

  it('keeps the environment columns in line whatever the subject\'s characters', async () => {
    const root = await wideWorkspace();
    const { stdout } = await onTerminal(root, ['status', 'ABC-1'], { isTTY: false });
    const rows = stdout.split('\n').filter((line) => /^ {2}[0-9a-f]{8} /.test(line));
    expect(rows).toHaveLength(3);
    // The first mark of each row (dev's) starts at the same display column.
    const markColumns = rows.map((row) => stringWidth(row.slice(0, row.search(/[✓≈·]/))));
    expect(new Set(markColumns).size).toBe(1);
    expect(stdout).toContain('修复购物车 🚀');
    expectGolden('status-wide-characters.txt', normalise(stdout));
  });

  it('colours a terminal, and no pipe, no NO_COLOR terminal and no file', async () => {
    const root = await wideWorkspace();
    const tty = await onTerminal(root, ['status', 'ABC-1'], { isTTY: true, columns: 120 });
    expect(tty.stdout).toContain(`${ESC}[32m✓${ESC}[39m`);
    expect(tty.stdout).toMatch(new RegExp(`${ESC}\\[31m·`));
    expect((await onTerminal(root, ['status', 'ABC-1'], { isTTY: false })).stdout).not.toContain(ESC);
    expect((await onTerminal(root, ['status', 'ABC-1'], { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain(ESC);
    expect((await onTerminal(root, ['status', 'ABC-1'], { isTTY: true, env: { TERM: 'dumb' } })).stdout).not.toContain(ESC);
    expect((await onTerminal(root, ['status', 'ABC-1'], { isTTY: false, env: { FORCE_COLOR: '1' } })).stdout).toContain(`${ESC}[32m`);
    expect((await onTerminal(root, ['status', 'ABC-1'], { isTTY: true, env: { FORCE_COLOR: '0' } })).stdout).not.toContain(ESC);
    expect((await onTerminal(root, ['status', 'ABC-1', '--json'], { isTTY: true })).stdout).not.toContain(ESC);
  });

  it('gives a commit\'s own escape codes no colour, even where gig colours', async () => {
    const root = await wideWorkspace();
    const { stdout } = await onTerminal(root, ['status', 'ABC-1'], { isTTY: true, columns: 120 });
    expect(stdout).toContain('ABC-1 looks fine');
    const line = stdout.split('\n').find((row) => row.includes('looks fine'))!;
    expect(line.indexOf('looks fine')).toBeGreaterThan(0);
    // The only escape codes on that line are gig's, after the subject: the author's were removed.
    expect(line.slice(0, line.indexOf('looks fine') + 'looks fine'.length)).not.toContain(ESC);
  });

  it('fits the table to the terminal: narrow terminals cut subjects, wide ones show more', async () => {
    const root = await wideWorkspace();
    const narrow = await onTerminal(root, ['status', 'ABC-1'], { isTTY: true, columns: 80 });
    const tableRows = (text: string): string[] => stripColour(text).split('\n').filter((line) => /^ {2}[0-9a-f]{8} /.test(line));
    for (const row of tableRows(narrow.stdout)) expect(stringWidth(row)).toBeLessThanOrEqual(80);
    expect(tableRows(narrow.stdout).some((row) => row.includes('…'))).toBe(true);
    const wide = await onTerminal(root, ['status', 'ABC-1'], { isTTY: true, columns: 200 });
    expect(tableRows(wide.stdout).some((row) => row.includes('…'))).toBe(false);
    // Written to a pipe, $COLUMNS sets the width (a CI log, `gig status | less`).
    const piped = await onTerminal(root, ['status', 'ABC-1'], { isTTY: false, env: { COLUMNS: '80' } });
    for (const row of tableRows(piped.stdout)) expect(stringWidth(row)).toBeLessThanOrEqual(80);
  });
});
