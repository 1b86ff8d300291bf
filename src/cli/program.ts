import { hostname } from 'node:os';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { GigError, toGigError } from '../errors.js';
import type { App } from '../main.js';
import type { IntegrityCheck } from '../store/database.js';
import { errorJson, renderError } from '../views/error-text.js';
import { terminalJson } from '../views/escape/terminal.js';
import { terminalIo, type CliIo } from './io.js';

// The verb table: what each verb is called, its options and help. Every action imports the
// modules it runs (commands, views, the store, the SDKs) when it runs, so `gig --help` loads none
// of them and `gig status` none of another verb's. test/startup.test.ts checks which modules load.

interface GlobalOptions {
  config?: string;
  db?: string;
}

/** Runs the `gig` command line and returns the exit code; never throws, never prints a stack. */
export async function runCli(argv: string[], rawIo: CliIo): Promise<number> {
  // Every write below goes through the terminal sanitiser; only the progress bar gets rawIo.
  const io = terminalIo(rawIo);
  let exitCode = 0;
  let json = false;
  const print = (text: string): void => void io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  const printJson = (value: unknown): void => print(terminalJson(value));
  const openCliApp = async (command: Command, integrityCheck: IntegrityCheck): Promise<App> => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    const [{ configPath, dbPath }, { openApp }] = await Promise.all([import('../config.js'), import('../main.js')]);
    return openApp({ configFile: resolve(io, configPath(globals.config, io.env)), dbFile: resolve(io, dbPath(globals.db, io.env)), env: io.env, integrityCheck });
  };
  /** Opens the app for one verb; reads skip the integrity check (store/database.ts says when it runs). */
  const withApp = async <T>(command: Command, action: (app: App) => Promise<T> | T, integrityCheck: IntegrityCheck = 'skip'): Promise<T> => {
    const app = await openCliApp(command, integrityCheck);
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
    .action(async (options: { force?: boolean }, command: Command) => {
      const [{ configPath }, { INIT_TEMPLATE }] = await Promise.all([import('../config.js'), import('./init-template.js')]);
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
    .option('--fix-version <version...>', 'also read the tickets of these Jira fix versions')
    .addHelpText('after', '\nExample:\n  gig --config team/gig.config.yaml sync\n  gig sync --fix-version 2026.12')
    .action(async (options: { json?: boolean; fixVersion?: string[] }, command: Command) => {
      json = Boolean(options.json);
      const [{ runSync }, { NO_PROGRESS, syncProgressDisplay }, { renderSyncSummary, syncJson }] = await Promise.all([
        import('../commands/sync.js'),
        import('./progress.js'),
        import('../views/sync-text.js'),
      ]);
      await withApp(
        command,
        async (app) => {
          const display = json ? NO_PROGRESS : syncProgressDisplay(rawIo);
          const result = await runSync(app.context, display.onProgress, { fixVersions: options.fixVersion ?? [] }).finally(() => display.stop());
          if (json) printJson(syncJson(result));
          else print(renderSyncSummary(result));
          if (result.repositories.some((repo) => !repo.ok) || (result.sources ?? []).some((source) => !source.ok)) exitCode = 5;
        },
        'when-due',
      );
    });

  program
    .command('status')
    .description('where a ticket changed what, which environment each change reached, and its verdict')
    .argument('<ticket>', 'ticket id, e.g. ABC-123')
    .option('--to <env>', 'the target environment (default: the first one still owed part of the ticket, docs/verdicts.md)')
    .option('--json', 'machine-readable output (docs/json.md)')
    .addHelpText('after', '\nExamples:\n  gig status ABC-123\n  gig status abc-123 --to uat --json')
    .action(async (ticket: string, options: { to?: string; json?: boolean }, command: Command) => {
      json = Boolean(options.json);
      const [{ runStatus }, { renderNotFound, renderStatusText }, { statusJson }] = await Promise.all([
        import('../commands/status.js'),
        import('../views/status-text.js'),
        import('../views/status-json.js'),
      ]);
      await withApp(command, (app) => {
        const answer = runStatus(app.context, ticket, options.to === undefined ? {} : { to: options.to });
        const status = answer.evaluation.status;
        if (json) printJson(statusJson(answer.evaluation));
        else print(answer.found ? renderStatusText(answer.evaluation) : renderNotFound(status, app.config.repositories.length));
        if (!answer.found) {
          exitCode = 3;
          if (json) io.stderr.write(`${renderNotFound(status, app.config.repositories.length)}\n`);
        }
      });
    });

  program
    .command('check')
    .description('what is in one environment but missing in the next, and the verdict of that promotion')
    .argument('<ticket>', 'ticket id')
    .requiredOption('--from <env>', 'the environment to promote from')
    .requiredOption('--to <env>', 'the environment to promote to')
    .option('--json', 'machine-readable output (docs/json.md)')
    .addHelpText('after', '\nExample:\n  gig check ABC-123 --from qa --to uat')
    .action(async (ticket: string, options: { from: string; to: string; json?: boolean }, command: Command) => {
      json = Boolean(options.json);
      const [{ runCheck }, { renderCheckText }, { checkJson }] = await Promise.all([
        import('../commands/check.js'),
        import('../views/check-text.js'),
        import('../views/status-json.js'),
      ]);
      await withApp(command, (app) => {
        const evaluation = runCheck(app.context, ticket, options.from, options.to);
        if (json) printJson(checkJson(evaluation));
        else print(renderCheckText(evaluation));
        if (evaluation.status.repositories.length === 0) exitCode = 3;
      });
    });

  program
    .command('reject')
    .description('record that a ticket failed at a stage (QA, UAT, client review)')
    .argument('<ticket>', 'ticket id')
    .requiredOption('--stage <stage>', 'where it failed: qa, uat, client, …')
    .option('--reason <text>', 'what was wrong')
    .option('--at <iso>', 'when (default: now), e.g. 2026-11-05T14:30:00Z')
    .option('--by <name>', 'who rejected it')
    .option('--dry-run', 'show what would be recorded')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  gig reject ABC-123 --stage qa --reason "totals of 0 crash checkout" --by Ben')
    .action(async (ticket: string, options: { stage: string; reason?: string; at?: string; by?: string; dryRun?: boolean; json?: boolean }, command: Command) => {
      json = Boolean(options.json);
      const [{ runReject }, { renderRejected }] = await Promise.all([import('../commands/record.js'), import('../views/record-text.js')]);
      await withApp(command, (app) => {
        const result = runReject(app.context, { ticket, ...options }, { dryRun: Boolean(options.dryRun) });
        if (json) printJson(result);
        else print(renderRejected(result));
      });
    });

  program
    .command('deployed')
    .description('record which commit an environment runs (CI can post the same to /hooks/deployments)')
    .argument('<repository>', 'configured repository name')
    .argument('<env>', 'environment')
    .argument('<sha>', 'the commit now running there')
    .option('--at <iso>', 'when it was deployed (default: now)')
    .option('--by <name>', 'who or what deployed it')
    .option('--dry-run', 'show what would be recorded')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  gig deployed orders-service uat 3f2a1c9e --at 2026-11-20T16:00:00Z')
    .action(async (repository: string, env: string, sha: string, options: { at?: string; by?: string; dryRun?: boolean; json?: boolean }, command: Command) => {
      json = Boolean(options.json);
      const [{ runDeployed }, { renderDeployed }] = await Promise.all([import('../commands/record.js'), import('../views/record-text.js')]);
      await withApp(command, (app) => {
        const result = runDeployed(app.context, { repository, environment: env, sha, ...options }, { dryRun: Boolean(options.dryRun) });
        if (json) printJson(result);
        else print(renderDeployed(result));
      });
    });

  program
    .command('manual')
    .description('list, add and tick off the manual steps of a ticket')
    .argument('<ticket>', 'ticket id')
    .argument('[action]', 'add <text> | done <id> | reopen <id> (none: list the steps)')
    .argument('[value]', 'the text of a new step, or a step id')
    .option('--owner <name>', 'who does the new step')
    .option('--by <name>', 'who is recording this')
    .option('--to <env>', 'the target environment the steps are for (default as in status)')
    .option('--dry-run', 'show what would be recorded')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  gig manual ABC-123\n  gig manual ABC-123 add "Switch the feature flag orders.totals on in uat" --owner Ana\n  gig manual ABC-123 done m3fa2c1 --by Ben')
    .action(async (ticket: string, action: string | undefined, value: string | undefined, options: { owner?: string; by?: string; to?: string; dryRun?: boolean; json?: boolean }, command: Command) => {
      json = Boolean(options.json);
      const [{ runStatus }, { runManualAdd, runManualSetState }, { renderManualSteps }, { renderManualAdded, renderManualState }, { manualStepJson }] = await Promise.all([
        import('../commands/status.js'),
        import('../commands/record.js'),
        import('../views/evaluation-text.js'),
        import('../views/record-text.js'),
        import('../views/status-json.js'),
      ]);
      await withApp(command, (app) => {
        const dryRun = Boolean(options.dryRun);
        if (action === undefined) {
          const { evaluation } = runStatus(app.context, ticket, options.to === undefined ? {} : { to: options.to });
          if (json) printJson({ ticket: evaluation.ticket, target: evaluation.target, manualSteps: evaluation.manualSteps.map(manualStepJson) });
          else print(evaluation.manualSteps.length === 0 ? `${evaluation.ticket} has no manual steps towards ${evaluation.target ?? 'any environment'}.` : renderManualSteps(evaluation).join('\n'));
          return;
        }
        if (value === undefined) throw new GigError('USAGE', `manual ${action} needs ${action === 'add' ? 'the text of the step' : 'a step id'}.`, { hint: 'gig manual --help shows examples.' });
        if (action === 'add') {
          const result = runManualAdd(app.context, ticket, value, { dryRun, ...(options.owner ? { owner: options.owner } : {}), ...(options.by ? { by: options.by } : {}) });
          if (json) printJson(result);
          else print(renderManualAdded(result));
        } else if (action === 'done' || action === 'reopen') {
          const result = runManualSetState(app.context, ticket, value, action === 'done' ? 'done' : 'open', { dryRun, ...(options.by ? { by: options.by } : {}), ...(options.to ? { to: options.to } : {}) });
          if (json) printJson(result);
          else print(renderManualState(result));
        } else {
          throw new GigError('USAGE', `Unknown manual action "${action}".`, { hint: 'Use add, done or reopen.' });
        }
      });
    });

  program
    .command('release')
    .description('define, save and review a release: its manifest, verdicts and drift')
    .argument('<id>', 'release id, e.g. REL-2026-12')
    .option('--from <env>', 'the environment to promote from')
    .option('--to <env>', 'the environment to promote to')
    .option('--tickets <list>', 'comma-separated ticket ids')
    .option('--tickets-file <file>', 'a file with one ticket id per line, or a CSV with a Key/Ticket column')
    .option('--fix-version <version>', 'the tickets of a Jira fix version (after gig sync)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'md', 'json', 'csv']).default('text'))
    .option('--json', 'the same as --format json')
    .option('--out <path>', 'write the packet to a file instead of the terminal')
    .option('--dry-run', 'evaluate without saving')
    .addHelpText('after', '\nExamples:\n  gig release REL-7 --from qa --to uat --tickets ABC-101,ABC-103\n  gig release REL-7                      # re-evaluate and show what drifted\n  gig release REL-7 --format md --out REL-7.md')
    .action(async (id: string, options: { from?: string; to?: string; tickets?: string; ticketsFile?: string; fixVersion?: string; format: string; json?: boolean; out?: string; dryRun?: boolean }, command: Command) => {
      const format = options.json ? 'json' : options.format;
      json = format === 'json';
      const [{ parseTicketList, runRelease }, { readUserFile, writeUserFile }, { VERDICT_LABEL }, { releaseJson, renderReleaseCsv, renderReleaseMarkdown, renderReleaseText }] = await Promise.all([
        import('../commands/release.js'),
        import('./files.js'),
        import('../views/evaluation-text.js'),
        import('../views/release.js'),
      ]);
      await withApp(command, (app) => {
        let tickets: string[] | undefined;
        if (options.tickets !== undefined) tickets = options.tickets.split(/[,\s]+/).filter(Boolean);
        if (options.ticketsFile !== undefined) {
          const file = path.resolve(io.cwd, options.ticketsFile);
          if (!existsSync(file)) throw new GigError('USAGE', `No tickets file at ${file}.`);
          tickets = [...(tickets ?? []), ...parseTicketList(app.context, readUserFile(file, '--tickets-file'))];
        }
        const answer = runRelease(
          app.context,
          { id, ...(options.from ? { from: options.from } : {}), ...(options.to ? { to: options.to } : {}), ...(tickets ? { tickets } : {}), ...(options.fixVersion ? { fixVersion: options.fixVersion } : {}) },
          { dryRun: Boolean(options.dryRun) },
        );
        const view = { manifest: answer.manifest, drift: answer.drift, approvals: answer.approvals };
        const rendered =
          format === 'json' ? `${terminalJson(releaseJson(view))}\n` : format === 'md' ? renderReleaseMarkdown(view) : format === 'csv' ? renderReleaseCsv(view) : `${renderReleaseText(view)}\n`;
        if (options.out) {
          writeUserFile(path.resolve(io.cwd, options.out), '--out', rendered);
          if (!json) print(`wrote ${options.out}: release ${id}, ${VERDICT_LABEL[answer.manifest.verdict]}, manifest ${answer.manifest.hash.slice(0, 12)}`);
        } else {
          io.stdout.write(rendered);
        }
      });
    });

  program
    .command('doctor')
    .description('check the configuration, the index and every source; say what to fix')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  gig doctor')
    .action(async (options: { json?: boolean }, command: Command) => {
      json = Boolean(options.json);
      const [{ runDoctor }, { doctorProbes }] = await Promise.all([import('../commands/doctor.js'), import('./doctor-probes.js')]);
      await withApp(
        command,
        async (app) => {
          await app.loadSources();
          const checks = await runDoctor(app.context, doctorProbes(app, io.env));
          if (json) printJson(checks);
          else print(checks.map((check) => `${check.ok ? '✓' : '✗'} ${check.area}: ${check.detail}${check.fix ? `\n    → ${check.fix}` : ''}`).join('\n'));
          if (checks.some((check) => !check.ok && !['slack', 'teams'].includes(check.area))) exitCode = 1;
        },
        'always',
      );
    });

  const digest = program.command('digest').description('scheduled pre-release digests: list them, preview or send one');
  digest
    .command('list')
    .description('each digest with its next occurrences and its last result')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  gig digest list')
    .action(async (options: { json?: boolean }, command: Command) => {
      json = Boolean(options.json);
      const [{ listDigests }, { renderDigestList }] = await Promise.all([import('../commands/digest.js'), import('../views/digest-text.js')]);
      await withApp(command, (app) => {
        const overview = listDigests(app.context);
        if (json) printJson(overview);
        else print(renderDigestList(overview));
      });
    });
  digest
    .command('run')
    .description('send (or preview) one occurrence: the latest scheduled time at or before --at')
    .argument('<name>', 'the digest name')
    .option('--at <iso>', 'which occurrence (default: now)')
    .option('--dry-run', 'print the digest instead of sending it')
    .option('--force', 'send even if this occurrence was sent already')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  gig digest run prod-window --dry-run\n  gig digest run prod-window --at 2026-11-24T08:00:00Z --force')
    .action(async (name: string, options: { at?: string; dryRun?: boolean; force?: boolean; json?: boolean }, command: Command) => {
      json = Boolean(options.json);
      const [{ deliverOccurrence, digestContent, findDigest, occurrenceAt }, { parseTime }, { renderCardText }, { digestCard }, { renderDelivery }] = await Promise.all([
        import('../commands/digest.js'),
        import('../commands/record.js'),
        import('../views/card-text.js'),
        import('../views/cards/digest-card.js'),
        import('../views/digest-text.js'),
      ]);
      await withApp(command, async (app) => {
        const config = findDigest(app.context, name);
        const at = options.at === undefined ? app.context.now() : new Date(parseTime(options.at, app.context, 'The time'));
        const occurrence = occurrenceAt(config, at);
        if (options.dryRun) {
          const content = digestContent(app.context, config, occurrence, false);
          if (json) printJson(content);
          else print(renderCardText(digestCard(content, 'gig ')));
          return;
        }
        // The chat SDKs are loaded only to send (cli/digest-senders.ts loads each only if configured).
        const { cliDigestSenders } = await import('./digest-senders.js');
        const senders = await cliDigestSenders(app, io.env);
        const result = await deliverOccurrence(app.context, config, occurrence, false, senders, { owner: `${hostname()}:${process.pid}`, force: Boolean(options.force) });
        if (json) printJson(result);
        else print(renderDelivery(result));
        // An occurrence sent already is what the caller wanted: an external scheduler must not see a failure.
        if (result.status === 'failed') exitCode = 5;
        if (result.status === 'already-claimed') exitCode = 4;
      });
    });

  program
    .command('serve')
    .description('run the Slack bot, the deployment hook and the periodic sync on one HTTP server')
    .option('--port <port>', 'the port (default: $PORT or 3000)')
    .addHelpText('after', '\nNeeds SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode); see README, "Slack".\nExample:\n  PORT=3000 gig --config gig.config.yaml serve')
    .action(async (options: { port?: string }, command: Command) => {
      const { loadEnvironment } = await import('../config.js');
      const env = loadEnvironment(io.env);
      // A long-running writer: the integrity check runs once, at start.
      const app = await openCliApp(command, 'always');
      try {
        // Loaded here, not at the top: the Slack SDK is heavy and no other command needs it.
        const [{ createLogger }, { startServer }] = await Promise.all([import('../bot/log.js'), import('../bot/server.js')]);
        const logger = createLogger(io.env.LOG_LEVEL ?? 'info');
        const server = await startServer({ app, env, logger, ...(options.port ? { port: Number(options.port) } : {}) });
        print(`gig is serving on ${server.url} (POST /slack/events, POST /hooks/deployments, GET /healthz); Ctrl-C stops it`);
        await new Promise<void>((done) => {
          const stop = (): void => void server.close().then(done);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      } finally {
        app.close();
      }
    });

  program
    .command('demo')
    .description('build a small multi-repository workspace, index it and show what gig answers')
    .option('--dir <path>', 'where to build the workspace', 'gig-demo')
    .addHelpText('after', '\nExample:\n  gig demo && gig --config gig-demo/gig.config.yaml status ABC-101')
    .action(async (options: { dir: string }, command: Command) => {
      const [{ buildDemoWorkspace, DEMO_TICKETS, recordDemoHistory }, { openApp }, { runStatus }, { runSync }, { syncProgressDisplay }, { renderStatusText }, { renderSyncSummary }] = await Promise.all([
        import('../demo/workspace.js'),
        import('../main.js'),
        import('../commands/status.js'),
        import('../commands/sync.js'),
        import('./progress.js'),
        import('../views/status-text.js'),
        import('../views/sync-text.js'),
      ]);
      const dir = path.resolve(io.cwd, options.dir);
      const configFile = buildDemoWorkspace(dir);
      const globals = command.optsWithGlobals<GlobalOptions>();
      const dbFile = resolve(io, globals.db ?? path.join(dir, '.gig', 'gig.db'));
      const app = openApp({ configFile, dbFile, integrityCheck: 'when-due' });
      try {
        const display = syncProgressDisplay(rawIo);
        const result = await runSync(app.context, display.onProgress).finally(() => display.stop());
        recordDemoHistory(app.context);
        print(`Built a demo workspace in ${path.relative(io.cwd, dir) || '.'}: ${app.config.repositories.length} repositories on ${app.config.environments.map((env) => env.name).join(' → ')}.`);
        print(renderSyncSummary(result));
        for (const ticket of DEMO_TICKETS) {
          print(`\n$ gig status ${ticket}`);
          print(renderStatusText(runStatus(app.context, ticket).evaluation));
        }
        const exports = [`GIG_CONFIG=${path.relative(io.cwd, configFile)}`, ...(globals.db ? [] : [`GIG_DB=${path.relative(io.cwd, dbFile)}`])];
        print(
          [
            '',
            'What to notice: ABC-101\'s next step is its UI change into qa, but UAT already runs it without the follow-up',
            'QA asked for and without its SQL script (towards uat it is blocked); QA\'s server still runs the build from',
            'before the follow-up. ABC-103 needs ABC-101 and a Mendix deployment by hand. ABC-104 was reverted on dev:',
            'nothing of it is owed anywhere.',
            '',
            'Try next (in a clone of gig, `npm run gig --` stands for `gig`):',
            `  export ${exports.join(' ')}`,
            '  gig status ABC-101 --json',
            '  gig check ABC-101 --from qa --to uat',
            '  gig release REL-1 --from qa --to uat --tickets ABC-101,ABC-102 --format md',
            '  gig manual ABC-103',
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
