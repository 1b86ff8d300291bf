import type { Command } from 'commander';
import { withApp, type RunOutput } from '../run.js';
import { failOnOption, verdictExitCode, type FailOn } from '../verdict-exit.js';

/** `gig check <ticket> --from --to`: what one environment has that the next lacks, and the verdict. */
export function registerCheck(program: Command, out: RunOutput): void {
  program
    .command('check')
    .description('what is in one environment but missing in the next, and the verdict of that promotion')
    .argument('<ticket>', 'ticket id')
    .requiredOption('--from <env>', 'the environment to promote from')
    .requiredOption('--to <env>', 'the environment to promote to')
    .option('--json', 'machine-readable output (docs/json.md)')
    .addOption(failOnOption('blocked'))
    .addHelpText('after', '\nExample:\n  gig check ABC-123 --from qa --to uat                      # exit 12 when blocked\n  gig check ABC-123 --from qa --to uat --fail-on never     # always exit 0 on an answer')
    .action(async (ticket: string, options: { from: string; to: string; json?: boolean; failOn: FailOn }, command: Command) => {
      out.json = Boolean(options.json);
      const [{ runCheck }, { renderCheckText }, { checkJson }] = await Promise.all([
        import('../../commands/check.js'),
        import('../../views/check-text.js'),
        import('../../views/status-json.js'),
      ]);
      await withApp(command, out.io, async (app) => {
        const evaluation = await runCheck(app.context, ticket, options.from, options.to);
        if (out.json) out.printJson(checkJson(evaluation));
        else out.print(renderCheckText(evaluation, out.layout));
        out.exitCode = evaluation.status.repositories.length === 0 ? 3 : verdictExitCode(evaluation.verdict, options.failOn);
      });
    });
}
