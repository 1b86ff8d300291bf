import type { Command } from 'commander';
import { withApp, type RunOutput } from '../run.js';

/** `gig deployed <repository> <env> <sha>`: records what an environment runs. */
export function registerDeployed(program: Command, out: RunOutput): void {
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
      out.json = Boolean(options.json);
      const [{ runDeployed }, { renderDeployed }] = await Promise.all([import('../../commands/record.js'), import('../../views/record-text.js')]);
      await withApp(command, out.io, async (app) => {
        const result = await runDeployed(app.context, { repository, environment: env, sha, ...options }, { dryRun: Boolean(options.dryRun) });
        if (out.json) out.printJson(result);
        else out.print(renderDeployed(result));
      });
    });
}
