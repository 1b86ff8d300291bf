import type { Command } from 'commander';
import { withApp, type RunOutput } from '../run.js';

/** `gig reject <ticket> --stage`: records that a ticket failed at a stage. */
export function registerReject(program: Command, out: RunOutput): void {
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
      out.json = Boolean(options.json);
      const [{ runReject }, { renderRejected }] = await Promise.all([import('../../commands/record.js'), import('../../views/record-text.js')]);
      await withApp(command, out.io, async (app) => {
        const result = await runReject(app.context, { ticket, ...options }, { dryRun: Boolean(options.dryRun) });
        if (out.json) out.printJson(result);
        else out.print(renderRejected(result));
      });
    });
}
