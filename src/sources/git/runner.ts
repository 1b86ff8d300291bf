import type { ChildProcess } from 'node:child_process';
import { GigError } from '../../errors.js';
import { spawnGroup, terminateGroup } from './process-group.js';

/**
 * The only way gig runs git: an argument array (never a shell), a fixed environment that keeps
 * user configuration from changing the output format and repository configuration from running
 * programs, a time limit on everything that uses the network, and a count of processes so the
 * indexer can prove it spawns a fixed number per repository rather than one per commit.
 */
export interface GitRunner {
  /** Runs git and returns its standard output. */
  run(cwd: string, args: string[], options?: RunOptions): Promise<GitResult>;
  /** Runs git and hands its standard output to `onData` as it arrives. */
  stream(cwd: string, args: string[], onData: (chunk: string) => void, options?: TimeLimit): Promise<void>;
  /** Runs `producer | consumer`, handing the consumer's output to `onData`. */
  pipe(cwd: string, producer: string[], consumer: string[], onData: (chunk: string) => void, options?: PipeOptions): Promise<void>;
  readonly spawned: number;
}

export interface TimeLimit {
  /** Stops git, and every process it started, after this long. Local reads have no limit unless given one. */
  timeoutMs?: number;
}

export interface PipeOptions extends TimeLimit {
  /** Written to the producer's standard input (e.g. the SHAs `diff-tree --stdin` reads). */
  input?: string;
  /** Sees the producer's output too, as bytes, on its way to the consumer. */
  onProducerData?: (chunk: Buffer) => void;
}

export interface RunOptions extends TimeLimit {
  input?: string;
  okExitCodes?: number[];
  /**
   * Marks a clone or fetch of `url`, the only calls that may use the network: they get the allowed
   * transports, connection and stall limits, and a time limit (the runner's default unless given).
   */
  remote?: { url: string };
}

export interface GitRunnerSettings {
  /** The time limit of remote operations that do not set their own. */
  remoteTimeoutMs?: number;
}

export interface GitResult {
  stdout: string;
  exitCode: number;
}

// A first mirror of a large repository over a slow link takes minutes; a server that never answers
// must still not hold a sync (or the periodic sync of `gig serve`) forever.
const DEFAULT_REMOTE_TIMEOUT_MS = 10 * 60_000;

const OUTPUT_FORMAT = ['core.quotepath=off', 'color.ui=never', 'log.showSignature=false'];

/**
 * A repository's .git/config, and any file it pulls in with `include.path` or `includeIf`, is
 * written by whoever controls the repository. A `-c` is read after every config file, included ones
 * too, so these win for every call. Not overridden because no call of gig reaches them:
 * `uploadpack.packObjectsHook` (git reads it only from system and global config), `gpg.program`
 * (no signature is ever checked: log.showSignature is off, no format asks for %G), clean/smudge
 * filters (gig never checks out or hashes work-tree files), `core.alternateRefsCommand` (used only
 * by fetches, into mirrors gig creates itself), `diff.external` (see NO_DIFF_PROGRAMS: an empty value
 * does not switch it off, git then fails with "cannot run").
 */
const NO_REPOSITORY_PROGRAMS = [
  // A program git asks which work-tree files changed; `git diff-tree` runs it in an incremental sync.
  'core.fsmonitor=false',
  // A fetch into a mirror runs the reference-transaction hook, and its auto-gc pre-auto-gc.
  'core.hooksPath=/dev/null',
  // Standard output is a pipe, so git starts no pager; if it ever thought otherwise, cat is harmless.
  'core.pager=cat',
];

/** Reading a local repository never needs the network, credentials or ssh. */
const LOCAL_ONLY = [
  // A partial clone fetches missing objects on demand, through a remote whose url, `uploadpack`
  // program and proxy the repository chooses, with no time limit: refusing every transport stops
  // that, and makes `core.gitProxy` unreachable, which no `-c` could override (git uses its first value).
  'protocol.allow=never',
  // An empty value empties the list of helpers.
  'credential.helper=',
  // Unreachable with no transport allowed; `false` fails at once should that ever change.
  'core.sshCommand=false',
];

// Stall limits: a connection that answers nothing is given up on by ssh after ConnectTimeout or
// ServerAliveInterval × ServerAliveCountMax, by curl after lowSpeedTime below lowSpeedLimit bytes/s.
// git:// has neither, and is covered by the time limit of the runner.
const SSH_COMMAND = 'ssh -o ConnectTimeout=30 -o ServerAliveInterval=15 -o ServerAliveCountMax=4 -o BatchMode=yes';

/**
 * Clones and fetches of configured urls. Credential helpers from the user's and the system's config
 * stay: they are how a private https mirror authenticates. `core.sshCommand` replaces one set in
 * the user's config (so keys belong in ~/.ssh/config, which ssh still reads).
 */
const REMOTE_ACCESS = [
  // gig mirrors https, ssh, git and file urls; everything else is refused, ext:: (runs a command)
  // and fd:: (uses inherited descriptors) named on their own so no later default can enable them.
  'protocol.allow=never',
  'protocol.https.allow=always',
  'protocol.ssh.allow=always',
  'protocol.git.allow=always',
  'protocol.file.allow=always',
  'protocol.ext.allow=never',
  'protocol.fd.allow=never',
  'http.lowSpeedLimit=1000',
  'http.lowSpeedTime=60',
  `core.sshCommand=${SSH_COMMAND}`,
  // A fetch may start an automatic gc; detached, it would leave gig's process group and time limit.
  'gc.autoDetach=false',
  'maintenance.autoDetach=false',
];

/**
 * Diff drivers and textconv filters are chosen by .gitattributes in the repository, under names no
 * `-c` can know in advance; these options switch them all off, and `diff.external` with them. The
 * runner adds them to every command that can produce a diff, so no caller can forget them.
 */
const NO_DIFF_PROGRAMS = ['--no-ext-diff', '--no-textconv'];
const DIFF_COMMANDS = new Set(['log', 'show', 'whatchanged', 'diff', 'diff-tree', 'diff-index', 'diff-files']);

/** The full argument list of one call: gig's settings first, the caller's after. */
function gitArguments(args: string[], reach: 'local' | 'remote'): string[] {
  const settings = [...OUTPUT_FORMAT, ...NO_REPOSITORY_PROGRAMS, ...(reach === 'remote' ? REMOTE_ACCESS : LOCAL_ONLY)];
  return ['--no-pager', ...settings.flatMap((setting) => ['-c', setting]), ...withoutDiffPrograms(args)];
}

function withoutDiffPrograms(args: string[]): string[] {
  const command = subcommandIndex(args);
  if (command === -1 || !DIFF_COMMANDS.has(args[command]!)) return args;
  return [...args.slice(0, command + 1), ...NO_DIFF_PROGRAMS, ...args.slice(command + 1)];
}

/** Where the git command is in `args`, past any global options (and the values of -c and -C). */
function subcommandIndex(args: string[]): number {
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg === '-c' || arg === '-C') index += 1;
    else if (!arg.startsWith('-')) return index;
  }
  return -1;
}

/**
 * git reads GIT_* variables before its configuration, and some of them beat the settings above:
 * GIT_SSH_COMMAND beats core.sshCommand, GIT_ALLOW_PROTOCOL beats protocol.*, GIT_CONFIG_PARAMETERS
 * adds configuration, GIT_EXTERNAL_DIFF a diff program, and GIT_DIR or GIT_INDEX_FILE (set when gig
 * runs from inside a git hook) point git at another repository. So only the ones that choose the
 * user's own configuration and certificate authorities are passed on.
 */
const INHERITED_GIT_VARIABLES = new Set(['GIT_CONFIG_GLOBAL', 'GIT_CONFIG_SYSTEM', 'GIT_CONFIG_NOSYSTEM', 'GIT_SSL_CAINFO', 'GIT_SSL_CAPATH']);
// ssh would start these to ask for a passphrase; BatchMode already says no, this makes sure.
const ASKPASS_VARIABLES = new Set(['SSH_ASKPASS', 'SSH_ASKPASS_REQUIRE']);

/**
 * GIT_CONFIG_NOSYSTEM is not set: the system config is the machine administrator's, not a
 * repository's, and is where proxies and certificate authorities for remote mirrors often live;
 * every setting above beats it anyway.
 */
function gitEnvironment(inherited: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept = Object.entries(inherited).filter(([name]) => (!name.startsWith('GIT_') || INHERITED_GIT_VARIABLES.has(name)) && !ASKPASS_VARIABLES.has(name));
  return {
    ...Object.fromEntries(kept),
    // Nobody is there to answer a prompt: fail instead of waiting for one.
    GIT_TERMINAL_PROMPT: '0',
    // Empty means "no program", and the variable beats core.askPass from any config file.
    GIT_ASKPASS: '',
    // Git Credential Manager would otherwise open a window to sign in.
    GCM_INTERACTIVE: 'never',
    // Reads must not refresh the index of a working clone someone is using.
    GIT_OPTIONAL_LOCKS: '0',
    LC_ALL: 'C',
  };
}

/** One git process as gig asked for it, for the time limit and the error messages. */
interface GitCall {
  cwd: string;
  args: string[];
  remoteUrl: string | null;
  timeoutMs: number | null;
}

export function createGitRunner(gitBinary = 'git', settings: GitRunnerSettings = {}): GitRunner {
  let spawned = 0;
  const env = gitEnvironment(process.env);
  const remoteTimeoutMs = settings.remoteTimeoutMs ?? DEFAULT_REMOTE_TIMEOUT_MS;

  const callOf = (cwd: string, args: string[], options: RunOptions): GitCall => {
    const remoteUrl = options.remote?.url ?? null;
    return { cwd, args, remoteUrl, timeoutMs: options.timeoutMs ?? (remoteUrl === null ? null : remoteTimeoutMs) };
  };

  const start = (call: GitCall): ChildProcess => {
    spawned += 1;
    const args = gitArguments(call.args, call.remoteUrl === null ? 'local' : 'remote');
    return spawnGroup(gitBinary, args, { cwd: call.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  };

  return {
    get spawned() {
      return spawned;
    },

    async run(cwd, args, options = {}) {
      const call = callOf(cwd, args, options);
      const child = start(call);
      let stdout = '';
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        stdout += chunk;
      });
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.input ?? '');
      const exitCode = await completion(child, call, options.okExitCodes ?? [0]);
      return { stdout, exitCode };
    },

    async stream(cwd, args, onData, options = {}) {
      const call = callOf(cwd, args, options);
      const child = start(call);
      child.stdin?.end();
      const handler = guarded(onData, [child]);
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', handler.onData);
      await completion(child, call, [0]).catch(handler.rethrow);
      handler.rethrow();
    },

    async pipe(cwd, producerArgs, consumerArgs, onData, options = {}) {
      const handlers: Array<ReturnType<typeof guarded>> = [];
      const producerCall = callOf(cwd, producerArgs, options);
      const consumerCall = callOf(cwd, consumerArgs, options);
      const producer = start(producerCall);
      const consumer = start(consumerCall);
      producer.stdin?.on('error', () => undefined);
      producer.stdin?.end(options.input ?? '');
      consumer.stdin?.on('error', () => undefined);
      producer.stdout?.pipe(consumer.stdin!);
      const handler = guarded(onData, [producer, consumer]);
      if (options.onProducerData) {
        const tap = guarded((chunk) => options.onProducerData!(chunk as unknown as Buffer), [producer, consumer]);
        producer.stdout?.on('data', tap.onData as unknown as (chunk: Buffer) => void);
        handlers.push(tap);
      }
      consumer.stdout?.setEncoding('utf8');
      consumer.stdout?.on('data', handler.onData);
      // A failing tap or consumer stopped git: its own error is the one to report, not git's.
      const rethrowFirst = (gitError?: unknown): void => {
        for (const tap of handlers) tap.rethrow();
        handler.rethrow(gitError);
      };
      await Promise.all([completion(producer, producerCall, [0]), completion(consumer, consumerCall, [0])]).catch(rethrowFirst);
      rethrowFirst();
    },
  };
}

/** Resolves with git's exit code once its process group is done; stops it at the call's time limit. */
function completion(child: ChildProcess, call: GitCall, okExitCodes: number[]): Promise<number> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    let timedOut = false;
    const deadline = call.timeoutMs === null ? null : setTimeout(() => {
      timedOut = true;
      terminateGroup(child);
    }, call.timeoutMs);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (stderr.length < 4000) stderr += chunk;
    });
    child.on('error', (error) => {
      if (deadline) clearTimeout(deadline);
      reject(new GigError('GIT_FAILED', `Cannot run git: ${error.message}`, { hint: 'Install git 2.24 or newer and make sure it is on PATH.', cause: error }));
    });
    child.on('close', (code) => {
      if (deadline) clearTimeout(deadline);
      const exitCode = code ?? 1;
      if (timedOut) reject(timeoutFailure(call));
      else if (okExitCodes.includes(exitCode)) resolve(exitCode);
      else reject(gitFailure(call, exitCode, stderr));
    });
  });
}

/**
 * A consumer that throws (a parse or database error) must not crash the process from inside an
 * event handler: stop git with everything it started, and raise the consumer's error once git has
 * exited.
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
        for (const child of children) terminateGroup(child);
      }
    },
    rethrow(gitError) {
      if (failure !== undefined) throw failure;
      if (gitError !== undefined) throw gitError;
    },
  };
}

function verbOf(args: string[]): string {
  const index = subcommandIndex(args);
  return index === -1 ? 'git' : args[index]!;
}

function timeoutFailure(call: GitCall): GigError {
  const verb = verbOf(call.args);
  const limit = describeDuration(call.timeoutMs ?? 0);
  if (call.remoteUrl !== null) {
    const url = withoutCredentials(call.remoteUrl);
    return new GigError('UPSTREAM', `git ${verb} of ${url} did not finish within ${limit}; gig stopped it.`, {
      hint: `Check that this machine reaches the repository and that it answers (git ls-remote ${url}); a server or firewall that accepts connections and then stays silent looks like this.`,
    });
  }
  return new GigError('GIT_FAILED', `git ${verb} in ${call.cwd} did not finish within ${limit}; gig stopped it.`, {
    hint: 'Check that the repository is on a local, responsive disk.',
  });
}

function gitFailure(call: GitCall, exitCode: number, stderr: string): GigError {
  const verb = verbOf(call.args);
  const detail = withoutCredentials(stderr).trim().split('\n').slice(0, 3).join(' ') || 'no message';
  if (call.remoteUrl !== null) {
    const url = withoutCredentials(call.remoteUrl);
    return new GigError('GIT_FAILED', `git ${verb} of ${url} failed (exit ${exitCode}): ${detail}`, {
      hint: `Check the url and that this machine may read it (git ls-remote ${url}); gig mirrors https, ssh, git and file urls.`,
    });
  }
  return new GigError('GIT_FAILED', `git ${verb} failed in ${call.cwd} (exit ${exitCode}): ${detail}`, {
    hint: /promisor remote/.test(stderr)
      ? 'This is a partial clone, and gig reads local repositories without the network: point "path" at a full clone, or use "url" to let gig mirror it.'
      : 'Check that the repository path in the configuration is a git repository this user can read.',
  });
}

/**
 * Text as it may be shown: https://user:token@host/x.git becomes https://host/x.git. A token is
 * often the user name alone (https://<token>@github.com/…), so the whole user part goes; ssh's user
 * (git@host) is no secret and stays.
 */
function withoutCredentials(text: string): string {
  return text.replace(/\b(https?:\/\/)[^/@\s]+@/gi, '$1');
}

function describeDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}
