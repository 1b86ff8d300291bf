import { spawn, type ChildProcess } from 'node:child_process';
import { GigError } from '../../errors.js';

/**
 * The only way gig runs git: an argument array (never a shell), a fixed environment that keeps
 * user configuration from changing the output format, and a count of processes so the indexer can
 * prove it spawns a fixed number per repository rather than one per commit.
 */
export interface GitRunner {
  /** Runs git and returns its standard output. */
  run(cwd: string, args: string[], options?: { input?: string; okExitCodes?: number[] }): Promise<GitResult>;
  /** Runs git and hands its standard output to `onData` as it arrives. */
  stream(cwd: string, args: string[], onData: (chunk: string) => void): Promise<void>;
  /** Runs `producer | consumer`, handing the consumer's output to `onData`. */
  pipe(cwd: string, producer: string[], consumer: string[], onData: (chunk: string) => void): Promise<void>;
  readonly spawned: number;
}

export interface GitResult {
  stdout: string;
  exitCode: number;
}

const BASE_ARGS = ['-c', 'core.quotepath=off', '-c', 'color.ui=never', '-c', 'log.showSignature=false', '-c', 'core.pager=cat'];

const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_TERMINAL_PROMPT: '0',
  GIT_OPTIONAL_LOCKS: '0',
  LC_ALL: 'C',
};

export function createGitRunner(gitBinary = 'git'): GitRunner {
  let spawned = 0;

  const start = (cwd: string, args: string[]): ChildProcess => {
    spawned += 1;
    return spawn(gitBinary, [...BASE_ARGS, ...args], { cwd, env: GIT_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
  };

  const completion = (child: ChildProcess, args: string[], cwd: string, okExitCodes: number[]): Promise<number> =>
    new Promise((resolve, reject) => {
      let stderr = '';
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        if (stderr.length < 4000) stderr += chunk;
      });
      child.on('error', (error) =>
        reject(new GigError('GIT_FAILED', `Cannot run git: ${error.message}`, { hint: 'Install git 2.24 or newer and make sure it is on PATH.', cause: error })),
      );
      child.on('close', (code) => {
        const exitCode = code ?? 1;
        if (okExitCodes.includes(exitCode)) resolve(exitCode);
        else reject(gitFailure(args, cwd, exitCode, stderr));
      });
    });

  return {
    get spawned() {
      return spawned;
    },

    async run(cwd, args, options = {}) {
      const child = start(cwd, args);
      let stdout = '';
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        stdout += chunk;
      });
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.input ?? '');
      const exitCode = await completion(child, args, cwd, options.okExitCodes ?? [0]);
      return { stdout, exitCode };
    },

    async stream(cwd, args, onData) {
      const child = start(cwd, args);
      child.stdin?.end();
      const handler = guarded(onData, [child]);
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', handler.onData);
      await completion(child, args, cwd, [0]).catch(handler.rethrow);
      handler.rethrow();
    },

    async pipe(cwd, producerArgs, consumerArgs, onData) {
      const producer = start(cwd, producerArgs);
      const consumer = start(cwd, consumerArgs);
      producer.stdin?.end();
      consumer.stdin?.on('error', () => undefined);
      producer.stdout?.pipe(consumer.stdin!);
      const handler = guarded(onData, [producer, consumer]);
      consumer.stdout?.setEncoding('utf8');
      consumer.stdout?.on('data', handler.onData);
      await Promise.all([completion(producer, producerArgs, cwd, [0]), completion(consumer, consumerArgs, cwd, [0])]).catch(handler.rethrow);
      handler.rethrow();
    },
  };
}

/**
 * A consumer that throws (a parse or database error) must not crash the process from inside an
 * event handler: stop git, and raise the consumer's error once git has exited.
 */
function guarded(onData: (chunk: string) => void, children: ChildProcess[]): { onData: (chunk: string) => void; rethrow: (gitError?: unknown) => void } {
  let failure: unknown;
  return {
    onData(chunk) {
      if (failure !== undefined) return;
      try {
        onData(chunk);
      } catch (error) {
        failure = error;
        for (const child of children) child.kill();
      }
    },
    rethrow(gitError) {
      if (failure !== undefined) throw failure;
      if (gitError !== undefined) throw gitError;
    },
  };
}

function gitFailure(args: string[], cwd: string, exitCode: number, stderr: string): GigError {
  const verb = args.find((arg) => !arg.startsWith('-')) ?? 'git';
  const detail = stderr.trim().split('\n').slice(0, 3).join(' ');
  return new GigError('GIT_FAILED', `git ${verb} failed in ${cwd} (exit ${exitCode}): ${detail || 'no message'}`, {
    hint: 'Check that the repository path in the configuration is a git repository this user can read.',
  });
}
