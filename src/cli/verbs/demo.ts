import path from 'node:path';
import type { Command } from 'commander';
import { resolvePath, type GlobalOptions, type RunOutput } from '../run.js';

/** `gig demo`: builds a demo workspace, indexes it and shows what gig answers. */
export function registerDemo(program: Command, out: RunOutput): void {
  program
    .command('demo')
    .description('build a small multi-repository workspace, index it and show what gig answers')
    .option('--dir <path>', 'where to build the workspace', 'gig-demo')
    .addHelpText('after', '\nExample:\n  gig demo && gig --config gig-demo/gig.config.yaml status ABC-101')
    .action(async (options: { dir: string }, command: Command) => {
      const [{ buildDemoWorkspace, DEMO_TICKETS, recordDemoHistory }, { openApp }, { runStatus }, { runSync }, { syncProgressDisplay }, { renderStatusText }, { renderSyncSummary }] = await Promise.all([
        import('../../demo/workspace.js'),
        import('../../main.js'),
        import('../../commands/status.js'),
        import('../../commands/sync.js'),
        import('../progress.js'),
        import('../../views/status-text.js'),
        import('../../views/sync-text.js'),
      ]);
      const { io } = out;
      const dir = path.resolve(io.cwd, options.dir);
      const configFile = buildDemoWorkspace(dir);
      const globals = command.optsWithGlobals<GlobalOptions>();
      const dbFile = resolvePath(io, globals.db ?? path.join(dir, '.gig', 'gig.db'));
      const app = openApp({ configFile, dbFile, integrityCheck: 'when-due' });
      try {
        const display = syncProgressDisplay(out.rawIo);
        const result = await runSync(app.context, display.onProgress).finally(() => display.stop());
        await recordDemoHistory(app.context);
        out.print(`Built a demo workspace in ${path.relative(io.cwd, dir) || '.'}: ${app.config.repositories.length} repositories on ${app.config.environments.map((env) => env.name).join(' → ')}.`);
        out.print(renderSyncSummary(result));
        for (const ticket of DEMO_TICKETS) {
          out.print(`\n$ gig status ${ticket}`);
          out.print(renderStatusText((await runStatus(app.context, ticket)).evaluation, out.layout));
        }
        const exports = [`GIG_CONFIG=${path.relative(io.cwd, configFile)}`, ...(globals.db ? [] : [`GIG_DB=${path.relative(io.cwd, dbFile)}`])];
        out.print(
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
}
