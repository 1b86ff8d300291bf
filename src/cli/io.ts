import { terminalText } from '../views/escape/terminal.js';

/** Where the CLI reads and writes, so tests can run it in-process and read what it printed. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/**
 * The CLI's print boundary: the same io, but everything written to stdout and stderr passes
 * through `terminalText` (views/escape/terminal.ts), so a commit subject, a reject reason from
 * Slack or a bad argument echoed in an error cannot move the cursor, retitle the window, hide a
 * link or reorder a line. JSON is written with `terminalJson`, which this leaves unchanged. The
 * progress bar, which writes its own escape codes, is given the raw io.
 */
export function terminalIo(io: CliIo): CliIo {
  return {
    ...io,
    stdout: { isTTY: io.stdout.isTTY, write: (text: string) => io.stdout.write(terminalText(text)) },
    stderr: { isTTY: io.stderr.isTTY, columns: io.stderr.columns, write: (text: string) => io.stderr.write(terminalText(text)) },
  };
}
