import { terminalText } from '../views/escape/terminal.js';

/** Where the CLI reads and writes, so tests can run it in-process and read what it printed. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: callerDirectory(process.env, process.cwd()) };
}

/**
 * Where the user was when they ran gig. `npm run gig -- …` in a clone runs gig in the clone, not in
 * the user's folder; npm says where it was started in INIT_CWD. Only then: any other program that
 * runs gig from an npm script has already put gig where it means it to be.
 */
export function callerDirectory(env: NodeJS.ProcessEnv, cwd: string): string {
  const fromNpmRunGig = env.npm_lifecycle_event === 'gig' && env.npm_package_name === 'gig' && env.INIT_CWD;
  return fromNpmRunGig ? env.INIT_CWD! : cwd;
}

/**
 * The CLI's print boundary: the same io, but everything written to stdout and stderr passes
 * through `terminalText` (views/escape/terminal.ts), so a commit subject, a reject reason from
 * Slack or a bad argument echoed in an error cannot move the cursor, retitle the window, hide a
 * link or reorder a line (`render` is terminalText, or terminal-style.ts's, which also turns gig's own
 * colour marks into colours). JSON is written with `terminalJson`, which this leaves unchanged. The
 * progress bar, which writes its own escape codes, is given the raw io.
 */
export function terminalIo(io: CliIo, render: (text: string) => string = terminalText): CliIo {
  return {
    ...io,
    stdout: { isTTY: io.stdout.isTTY, columns: io.stdout.columns, write: (text: string) => io.stdout.write(render(text)) },
    stderr: { isTTY: io.stderr.isTTY, columns: io.stderr.columns, write: (text: string) => io.stderr.write(terminalText(text)) },
  };
}

/**
 * Whether gig's output should be coloured: FORCE_COLOR (anything but 0/false) says yes and wins, as
 * it does for Node itself; NO_COLOR (non-empty, no-color.org) says no; otherwise a TTY that is not
 * TERM=dumb gets colour and a pipe or a file does not.
 */
export function wantsColour(io: CliIo): boolean {
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (io.env.NO_COLOR) return false;
  return Boolean(io.stdout.isTTY) && io.env.TERM !== 'dumb';
}

/** The terminal's width for tables: its columns on a TTY, else $COLUMNS, else none (the fixed layout). */
export function terminalWidth(io: CliIo): number | null {
  if (io.stdout.isTTY && io.stdout.columns) return io.stdout.columns;
  const columns = Number(io.env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : null;
}
