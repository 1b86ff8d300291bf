import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * git does its work through helpers it starts itself (`git remote-https`, `git index-pack`, `ssh`,
 * `git upload-pack`); killing git alone leaves them running, holding connections and lock files.
 * So each git gig starts leads a process group of its own, and every kill goes to the whole group.
 *
 * A group of its own is also out of the terminal's reach: Ctrl-C no longer gets to it. So while any
 * group is alive, gig passes its own ending on to them.
 */

/** How long git gets to remove its lock files and half-made clones after SIGTERM before SIGKILL. */
const TERMINATION_GRACE_MS = 2_000;
const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
// Windows has no process groups, and `detached` there opens a console window instead.
const HAS_PROCESS_GROUPS = process.platform !== 'win32';

const liveGroups = new Set<ChildProcess>();

/** Starts a command as the leader of a new process group, which gig ends if gig ends first. */
export function spawnGroup(command: string, args: string[], options: Omit<SpawnOptions, 'detached'>): ChildProcess {
  const child = spawn(command, args, { ...options, detached: HAS_PROCESS_GROUPS });
  if (child.pid === undefined) return child;
  if (liveGroups.size === 0) watchForShutdown();
  liveGroups.add(child);
  // 'close' waits for every holder of git's pipes (its helpers inherit them), so the group is done.
  child.once('close', () => {
    liveGroups.delete(child);
    if (liveGroups.size === 0) stopWatchingForShutdown();
  });
  return child;
}

/**
 * Asks the group to stop (SIGTERM lets git remove `*.lock` files, which would otherwise fail every
 * later fetch, and a half-made clone), then kills what is left after a grace period.
 */
export function terminateGroup(child: ChildProcess): void {
  signalGroup(child, 'SIGTERM');
  const escalation = setTimeout(() => signalGroup(child, 'SIGKILL'), TERMINATION_GRACE_MS);
  escalation.unref();
  child.once('close', () => clearTimeout(escalation));
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || !liveGroups.has(child)) return;
  try {
    if (HAS_PROCESS_GROUPS) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // ESRCH: the group ended on its own in the meantime.
  }
}

function terminateAllGroups(): void {
  // No grace period is possible here: the process is going away. git honours SIGTERM, and it lets
  // git clean up after itself.
  for (const child of liveGroups) signalGroup(child, 'SIGTERM');
}

/**
 * A listener on a signal replaces Node's default of exiting, so when nobody else listens (a plain
 * `gig sync`), the signal is raised again once the groups are told to stop. When someone else does
 * (`gig serve` shuts down gracefully), the decision stays theirs. Listeners are prepended so that a
 * `once` listener registered earlier still counts.
 */
function onShutdownSignal(signal: NodeJS.Signals): void {
  terminateAllGroups();
  if (process.listenerCount(signal) > 1) return;
  stopWatchingForShutdown();
  process.kill(process.pid, signal);
}

function watchForShutdown(): void {
  process.on('exit', terminateAllGroups);
  for (const signal of SHUTDOWN_SIGNALS) process.prependListener(signal, onShutdownSignal);
}

function stopWatchingForShutdown(): void {
  process.off('exit', terminateAllGroups);
  for (const signal of SHUTDOWN_SIGNALS) process.off(signal, onShutdownSignal);
}
