import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { inject } from 'vitest';
import { gigProgram } from '../../global-build.js';
import { SIGNING_SECRET } from '../../helpers/slack-bot.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

/** The real `gig serve`, as a child process, reachable at `url`. */
export interface ServeChild {
  url: string;
  child: ChildProcess;
  /** SIGKILL: no shutdown, no flushing, nothing after this line runs in the server. */
  kill(): Promise<void>;
}

/**
 * Starts the built `gig --config … --db … serve --port 0` (test/global-build.ts) with Slack pointed at
 * a stand-in, and waits for the line that names its address.
 */
export async function startServeChild(options: { configFile: string; dbFile: string; slackApiUrl: string; env?: Record<string, string> }): Promise<ServeChild> {
  const child = spawn(process.execPath, [gigProgram(inject('gigBuild')), '--config', options.configFile, '--db', options.dbFile, 'serve', '--port', '0'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: options.slackApiUrl, LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gig serve did not start within 30 s:\n${stdout}\n${stderr}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /gig is serving on (http:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gig serve exited with ${code} before serving:\n${stdout}\n${stderr}`));
    });
  });
  return {
    url,
    child,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
