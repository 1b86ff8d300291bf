import { hostname } from 'node:os';
import type { Command } from 'commander';
import { withApp, type RunOutput } from '../run.js';

/** `gig digest list | run <name>`: scheduled pre-release digests. */
export function registerDigest(program: Command, out: RunOutput): void {
  const digest = program.command('digest').description('scheduled pre-release digests: list them, preview or send one');
  digest
    .command('list')
    .description('each digest with its next occurrences and its last result')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  gig digest list')
    .action(async (options: { json?: boolean }, command: Command) => {
      out.json = Boolean(options.json);
      const [{ listDigests }, { renderDigestList }] = await Promise.all([import('../../commands/digest.js'), import('../../views/digest-text.js')]);
      await withApp(command, out.io, async (app) => {
        const overview = await listDigests(app.context);
        if (out.json) out.printJson(overview);
        else out.print(renderDigestList(overview));
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
      out.json = Boolean(options.json);
      const [{ deliverOccurrence, digestContent, findDigest, occurrenceAt }, { parseTime }, { renderCardText }, { digestCard }, { renderDelivery }] = await Promise.all([
        import('../../commands/digest.js'),
        import('../../commands/record.js'),
        import('../../views/card-text.js'),
        import('../../views/cards/digest-card.js'),
        import('../../views/digest-text.js'),
      ]);
      await withApp(command, out.io, async (app) => {
        const config = findDigest(app.context, name);
        const at = options.at === undefined ? app.context.now() : new Date(parseTime(options.at, app.context, 'The time'));
        const occurrence = occurrenceAt(config, at);
        if (options.dryRun) {
          const content = await digestContent(app.context, config, occurrence, false);
          if (out.json) out.printJson(content);
          else out.print(renderCardText(digestCard(content, 'gig ')));
          return;
        }
        // The chat SDKs are loaded only to send (cli/digest-senders.ts loads each only if configured).
        const { cliDigestSenders } = await import('../digest-senders.js');
        const senders = await cliDigestSenders(app);
        const result = await deliverOccurrence(app.context, config, occurrence, false, senders, { owner: `${hostname()}:${process.pid}`, force: Boolean(options.force) });
        if (out.json) out.printJson(result);
        else out.print(renderDelivery(result));
        // An occurrence sent already is what the caller wanted: an external scheduler must not see a failure.
        if (result.status === 'failed') out.exitCode = 5;
        if (result.status === 'already-claimed') out.exitCode = 4;
      });
    });
}
