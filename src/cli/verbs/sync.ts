import type { Command } from 'commander';
import { withApp, type RunOutput } from '../run.js';

/** `gig sync`: indexes every configured repository, then Jira and GitHub. */
export function registerSync(program: Command, out: RunOutput): void {
  program
    .command('sync')
    .description('index every configured repository (incremental after the first run)')
    .option('--json', 'machine-readable output')
    .option('--fix-version <version...>', 'also read the tickets of these Jira fix versions')
    .addHelpText('after', '\nExample:\n  gig --config team/gig.config.yaml sync\n  gig sync --fix-version 2026.12')
    .action(async (options: { json?: boolean; fixVersion?: string[] }, command: Command) => {
      out.json = Boolean(options.json);
      const [{ runSync }, { NO_PROGRESS, syncProgressDisplay }, { renderSyncSummary, syncJson }] = await Promise.all([
        import('../../commands/sync.js'),
        import('../progress.js'),
        import('../../views/sync-text.js'),
      ]);
      await withApp(
        command,
        out.io,
        async (app) => {
          const display = out.json ? NO_PROGRESS : syncProgressDisplay(out.rawIo);
          const result = await runSync(app.context, display.onProgress, { fixVersions: options.fixVersion ?? [] }).finally(() => display.stop());
          if (out.json) out.printJson(syncJson(result));
          else out.print(renderSyncSummary(result));
          if (result.repositories.some((repo) => !repo.ok) || (result.sources ?? []).some((source) => !source.ok)) out.exitCode = 5;
        },
        'when-due',
      );
    });
}
