import type { Command } from 'commander';
import { withApp, type RunOutput } from '../run.js';
import { failOnOption, verdictExitCode, type FailOn } from '../verdict-exit.js';

/** `gig status <ticket>`: where a ticket is, per repository and environment, and its verdict. */
export function registerStatus(program: Command, out: RunOutput): void {
  program
    .command('status')
    .description('where a ticket changed what, which environment each change reached, and its verdict')
    .argument('<ticket>', 'ticket id, e.g. ABC-123')
    .option('--to <env>', 'the target environment (default: the first one still owed part of the ticket, docs/verdicts.md)')
    .option('--json', 'machine-readable output (docs/json.md)')
    .addOption(failOnOption('never'))
    .addHelpText('after', '\nExamples:\n  gig status ABC-123\n  gig status abc-123 --to uat --json\n  gig status ABC-123 --to uat --fail-on blocked   # exit 12 when blocked')
    .action(async (ticket: string, options: { to?: string; json?: boolean; failOn: FailOn }, command: Command) => {
      out.json = Boolean(options.json);
      const [{ runStatus }, { renderNotFound, renderStatusText }, { statusJson }] = await Promise.all([
        import('../../commands/status.js'),
        import('../../views/status-text.js'),
        import('../../views/status-json.js'),
      ]);
      await withApp(command, out.io, async (app) => {
        const answer = await runStatus(app.context, ticket, options.to === undefined ? {} : { to: options.to });
        const status = answer.evaluation.status;
        if (out.json) out.printJson(statusJson(answer.evaluation));
        else out.print(answer.found ? renderStatusText(answer.evaluation, out.layout) : renderNotFound(status, app.config.repositories.length));
        out.exitCode = verdictExitCode(answer.evaluation.verdict, options.failOn);
        if (!answer.found) {
          out.exitCode = 3;
          if (out.json) out.io.stderr.write(`${renderNotFound(status, app.config.repositories.length)}\n`);
        }
      });
    });
}
