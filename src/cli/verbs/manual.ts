import type { Command } from 'commander';
import { GigError } from '../../errors.js';
import { withApp, type RunOutput } from '../run.js';

/** `gig manual <ticket> [add <text> | done <id> | reopen <id>]`: a ticket's manual steps. */
export function registerManual(program: Command, out: RunOutput): void {
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
      out.json = Boolean(options.json);
      const [{ runStatus }, { runManualAdd, runManualSetState }, { renderManualSteps }, { renderManualAdded, renderManualState }, { manualStepJson }] = await Promise.all([
        import('../../commands/status.js'),
        import('../../commands/record.js'),
        import('../../views/evaluation-text.js'),
        import('../../views/record-text.js'),
        import('../../views/status-json.js'),
      ]);
      await withApp(command, out.io, async (app) => {
        const dryRun = Boolean(options.dryRun);
        if (action === undefined) {
          const { evaluation } = await runStatus(app.context, ticket, options.to === undefined ? {} : { to: options.to });
          if (out.json) out.printJson({ ticket: evaluation.ticket, target: evaluation.target, manualSteps: evaluation.manualSteps.map(manualStepJson) });
          else out.print(evaluation.manualSteps.length === 0 ? `${evaluation.ticket} has no manual steps towards ${evaluation.target ?? 'any environment'}.` : renderManualSteps(evaluation).join('\n'));
          return;
        }
        if (value === undefined) throw new GigError('USAGE', `manual ${action} needs ${action === 'add' ? 'the text of the step' : 'a step id'}.`, { hint: 'gig manual --help shows examples.' });
        if (action === 'add') {
          const result = await runManualAdd(app.context, ticket, value, { dryRun, ...(options.owner ? { owner: options.owner } : {}), ...(options.by ? { by: options.by } : {}) });
          if (out.json) out.printJson(result);
          else out.print(renderManualAdded(result));
        } else if (action === 'done' || action === 'reopen') {
          const result = await runManualSetState(app.context, ticket, value, action === 'done' ? 'done' : 'open', { dryRun, ...(options.by ? { by: options.by } : {}), ...(options.to ? { to: options.to } : {}) });
          if (out.json) out.printJson(result);
          else out.print(renderManualState(result));
        } else {
          throw new GigError('USAGE', `Unknown manual action "${action}".`, { hint: 'Use add, done or reopen.' });
        }
      });
    });
}
