import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHAT_VERBS } from '../src/views/chat-help.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const work = mkdtempSync(path.join(tmpdir(), 'gig-teams-app-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Width and height of a PNG, from its IHDR chunk. */
const pngSize = (file: string): [number, number] => {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
};

describe('the Teams app package', () => {
  it("is built by the README's lines into a manifest on schema 1.22 with the chat verbs and both icons", () => {
    const block = /3\. \*\*Package the app\.\*\*[\s\S]*?```sh\n([\s\S]*?)```/.exec(README)![1]!;
    const lines = block.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('(cd teams-app && zip'));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const run = spawnSync('sh', ['-ec', line.replaceAll('teams/', `${ROOT}/teams/`)], { cwd: work, encoding: 'utf8', env: { PATH: process.env.PATH, MICROSOFT_APP_ID: '11111111-2222-3333-4444-555555555555' } });
      expect(run.status, run.stderr).toBe(0);
    }
    const text = readFileSync(path.join(work, 'teams-app', 'manifest.json'), 'utf8');
    expect(text).not.toContain('{{');
    const manifest = JSON.parse(text) as {
      manifestVersion: string;
      $schema: string;
      id: string;
      icons: { color: string; outline: string };
      bots: Array<{ botId: string; commandLists: Array<{ commands: Array<{ title: string; description: string }> }> }>;
    };
    expect(manifest.manifestVersion).toBe('1.22');
    expect(manifest.$schema).toContain('/v1.22/');
    expect(manifest.id).toBe('11111111-2222-3333-4444-555555555555');
    expect(manifest.bots[0]!.botId).toBe(manifest.id);
    const commands = manifest.bots[0]!.commandLists[0]!.commands;
    // Teams takes ten commands at most: the ones people use most, each a real chat verb.
    expect(commands.length).toBeLessThanOrEqual(10);
    expect(CHAT_VERBS.map((entry) => entry.verb)).toEqual(expect.arrayContaining(commands.map((command) => command.title)));
    expect(commands.map((command) => command.title)).toEqual(expect.arrayContaining(['status', 'check', 'release', 'watch', 'help']));
    for (const command of commands) expect(command.description.length).toBeLessThanOrEqual(128);
    expect(pngSize(path.join(work, 'teams-app', manifest.icons.color))).toEqual([192, 192]);
    expect(pngSize(path.join(work, 'teams-app', manifest.icons.outline))).toEqual([32, 32]);
  });

  it('ships with the npm package', () => {
    expect((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files).toContain('teams');
  });
});
