import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { configPath, dbPath } from '../config.js';
import { GigError, toGigError } from '../errors.js';
import { runStatus } from '../commands/status.js';
import { runSync } from '../commands/sync.js';
import { buildDemoWorkspace, DEMO_TICKETS } from '../demo/workspace.js';
import { openApp, type App } from '../main.js';
import { errorJson, renderError } from '../views/error-text.js';
import { renderNotFound, renderStatusText } from '../views/status-text.js';
import { statusJson } from '../views/status-json.js';
import { renderSyncSummary, syncJson } from '../views/sync-text.js';
import { INIT_TEMPLATE } from './init-template.js';
import type { CliIo } from './io.js';
import { NO_PROGRESS, syncProgressDisplay } from './progress.js';

interface GlobalOptions {
  config?: string;
  db?: string;
}

/** Runs the `gig` command line and returns the exit code; never throws, never prints a stack. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  let json = false;
  const print = (text: string): void => void io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  const printJson = (value: unknown): void => print(JSON.stringify(value, null, 2));
  const withApp = async <T>(command: Command, action: (app: App) => Promise<T> | T): Promise<T> => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    const app = openApp({ configFile: resolve(io, configPath(globals.config, io.env)), dbFile: resolve(io, dbPath(globals.db, io.env)) });
    try {
      return await action(app);
    } finally {
      app.close();
    }
  };

  const program = new Command('gig')
    .description('Release coordination: where is a ticket, what is missing in the next environment, is it safe to promote.')
    .addOption(new Option('--config <file>', 'configuration file (default: $GIG_CONFIG or ./gig.config.yaml)'))
    .addOption(new Option('--db <file>', 'SQLite database (default: $GIG_DB or .gig/gig.db)'))
    .showHelpAfterError('(run `gig --help` for the commands, `gig <command> --help` for one)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });

  program
    .command('init')
    .description('write a starter gig.config.yaml')
    .option('--force', 'overwrite an existing file')
    .addHelpText('after', '\nExample:\n  gig init && $EDITOR gig.config.yaml && gig sync')
    .action((options: { force?: boolean }, command: Command) => {
      const file = resolve(io, configPath(command.optsWithGlobals<GlobalOptions>().config, io.env));
      if (existsSync(file) && !options.force) {
        throw new GigError('USAGE', `${file} already exists.`, { hint: 'Edit it, or run `gig init --force` to start over.' });
      }
      writeFileSync(file, INIT_TEMPLATE);
      print(`wrote ${file}\nnext: list your environments and repositories in it, then run \`gig sync\``);
    });

  program
    .command('sync')
    .description('index every configured repository (incremental after the first run)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  gig --config team/gig.config.yaml sync')
    .action(async (options: { json?: boolean }, command: Command) => {
      json = Boolean(options.json);
      await withApp(command, async (app) => {
        const display = json ? NO_PROGRESS : syncProgressDisplay(io);
        const result = await runSync(app.context, display.onProgress).finally(() => display.stop());
        if (json) printJson(syncJson(result));
        else print(renderSyncSummary(result));
        if (result.repositories.some((repo) => !repo.ok)) exitCode = 5;
      });
    });

  program
    .command('status')
    .description('where a ticket changed what, and which environment each change reached')
    .argument('<ticket>', 'ticket id, e.g. ABC-123')
    .option('--json', 'machine-readable output (docs/json.md)')
    .addHelpText('after', '\nExamples:\n  gig status ABC-123\n  gig status abc-123 --json | jq .repositories[].environments')
    .action(async (ticket: string, options: { json?: boolean }, command: Command) => {
      json = Boolean(options.json);
      await withApp(command, (app) => {
        const answer = runStatus(app.context, ticket);
        if (json) printJson(statusJson(answer.status));
        else print(answer.found ? renderStatusText(answer.status) : renderNotFound(answer.status, app.config.repositories.length));
        if (!answer.found) {
          exitCode = 3;
          if (json) io.stderr.write(`${renderNotFound(answer.status, app.config.repositories.length)}\n`);
        }
      });
    });

  program
    .command('demo')
    .description('build a small multi-repository workspace, index it and show what gig answers')
    .option('--dir <path>', 'where to build the workspace', 'gig-demo')
    .addHelpText('after', '\nExample:\n  gig demo && gig --config gig-demo/gig.config.yaml status ABC-101')
    .action(async (options: { dir: string }, command: Command) => {
      const dir = path.resolve(io.cwd, options.dir);
      const configFile = buildDemoWorkspace(dir);
      const globals = command.optsWithGlobals<GlobalOptions>();
      const dbFile = resolve(io, globals.db ?? path.join(dir, '.gig', 'gig.db'));
      const app = openApp({ configFile, dbFile });
      try {
        const display = syncProgressDisplay(io);
        const result = await runSync(app.context, display.onProgress).finally(() => display.stop());
        print(`Built a demo workspace in ${path.relative(io.cwd, dir) || '.'}: ${app.config.repositories.length} repositories on ${app.config.environments.map((env) => env.name).join(' → ')}.`);
        print(renderSyncSummary(result));
        for (const ticket of DEMO_TICKETS) {
          print(`\n$ gig status ${ticket}`);
          print(renderStatusText(runStatus(app.context, ticket).status));
        }
        const exports = [`GIG_CONFIG=${path.relative(io.cwd, configFile)}`, ...(globals.db ? [] : [`GIG_DB=${path.relative(io.cwd, dbFile)}`])];
        print(
          [
            '',
            'What to notice: ABC-101 reached QA in orders-service and db-scripts, but UAT lacks its follow-up commit,',
            'its SQL script never reached UAT, and its web-ui change never left dev. ABC-104 was reverted: nothing of it is missing.',
            '',
            'Try next (in a clone of gig, `npm run gig --` stands for `gig`):',
            `  export ${exports.join(' ')}`,
            '  gig status ABC-101 --json',
            '  gig status ABC-102',
            `  commit to a repository under ${path.relative(io.cwd, path.join(dir, 'repos'))}, then: gig sync`,
          ].join('\n'),
        );
      } finally {
        app.close();
      }
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    const gigError = toGigError(error);
    if (json) printJson(errorJson(gigError));
    io.stderr.write(`${renderError(gigError)}\n`);
    if (gigError.code === 'INTERNAL' && io.env.GIG_DEBUG) io.stderr.write(`${(error as Error).stack ?? ''}\n`);
    return gigError.exitCode;
  }
}

function resolve(io: CliIo, file: string): string {
  return path.resolve(io.cwd, file);
}
