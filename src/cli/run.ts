import path from 'node:path';
import type { Command } from 'commander';
import type { App } from '../main.js';
import type { IntegrityCheck } from '../store/database.js';
import { terminalJson } from '../views/escape/terminal.js';
import type { CliIo } from './io.js';
import { PLAIN_LAYOUT, type TextLayout } from '../views/style.js';

// What a verb (cli/verbs/*.ts) is given to run: where it prints, how the run ends, and the app.
// Cheap to import: the configuration, the store and the commands are imported when a verb runs.

/**
 * One run of `gig`: what it prints and the exit code it ends with. Created for each run by
 * `runCli` and handed to the verbs, never shared between runs.
 */
export class RunOutput {
  /** Whether the verb prints JSON; an error is then printed as JSON too. */
  json = false;
  exitCode = 0;

  constructor(
    /** Everything written here passes through the terminal sanitiser (io.ts). */
    readonly io: CliIo,
    /** Unsanitised: only for the progress bar, which writes its own escape codes. */
    readonly rawIo: CliIo,
    /** How text views lay out for this terminal: colour marks and width. */
    readonly layout: TextLayout = PLAIN_LAYOUT,
  ) {}

  print(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  printJson(value: unknown): void {
    this.print(terminalJson(value));
  }
}

/** The options every verb takes, before or after its name. */
export interface GlobalOptions {
  config?: string;
  db?: string;
}

/** A path given on the command line, from where gig was started. */
export function resolvePath(io: CliIo, file: string): string {
  return path.resolve(io.cwd, file);
}

/** Opens the app with --config / --db (or GIG_CONFIG / GIG_DB, or the defaults). */
export async function openCliApp(command: Command, io: CliIo, integrityCheck: IntegrityCheck): Promise<App> {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const [{ configPath, dbPath }, { openApp }] = await Promise.all([import('../config.js'), import('../main.js')]);
  return openApp({ configFile: resolvePath(io, configPath(globals.config, io.env)), dbFile: resolvePath(io, dbPath(globals.db, io.env)), env: io.env, integrityCheck });
}

/** Opens the app for one verb and closes it after; reads skip the integrity check (store/database.ts says when it runs). */
export async function withApp<T>(command: Command, io: CliIo, action: (app: App) => Promise<T> | T, integrityCheck: IntegrityCheck = 'skip'): Promise<T> {
  const app = await openCliApp(command, io, integrityCheck);
  try {
    return await action(app);
  } finally {
    app.close();
  }
}
