import { existsSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { GigError } from '../../errors.js';
import { terminalJson } from '../../views/escape/terminal.js';
import { withApp, type RunOutput } from '../run.js';
import { failOnOption, verdictExitCode, type FailOn } from '../verdict-exit.js';

/** `gig release <id>`: defines, saves and reviews a release, in the format asked for. */
export function registerRelease(program: Command, out: RunOutput): void {
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
    .addOption(failOnOption('blocked'))
    .addHelpText('after', '\nExamples:\n  gig release REL-7 --from qa --to uat --tickets ABC-101,ABC-103\n  gig release REL-7                      # re-evaluate and show what drifted\n  gig release REL-7 --format md --out REL-7.md')
    .action(async (id: string, options: { from?: string; to?: string; tickets?: string; ticketsFile?: string; fixVersion?: string; format: string; json?: boolean; out?: string; dryRun?: boolean; failOn: FailOn }, command: Command) => {
      const format = options.json ? 'json' : options.format;
      out.json = format === 'json';
      const [{ parseTicketList, runRelease }, { readUserFile, writeUserFile }, { VERDICT_LABEL }, { releaseJson, renderReleaseCsv, renderReleaseMarkdown, renderReleaseText }] = await Promise.all([
        import('../../commands/release.js'),
        import('../files.js'),
        import('../../views/evaluation-text.js'),
        import('../../views/release.js'),
      ]);
      await withApp(command, out.io, async (app) => {
        let tickets: string[] | undefined;
        if (options.tickets !== undefined) tickets = options.tickets.split(/[,\s]+/).filter(Boolean);
        if (options.ticketsFile !== undefined) {
          const file = path.resolve(out.io.cwd, options.ticketsFile);
          if (!existsSync(file)) throw new GigError('USAGE', `No tickets file at ${file}.`);
          tickets = [...(tickets ?? []), ...parseTicketList(app.context, readUserFile(file, '--tickets-file'))];
        }
        const answer = await runRelease(
          app.context,
          { id, ...(options.from ? { from: options.from } : {}), ...(options.to ? { to: options.to } : {}), ...(tickets ? { tickets } : {}), ...(options.fixVersion ? { fixVersion: options.fixVersion } : {}) },
          { dryRun: Boolean(options.dryRun) },
        );
        const view = answer;
        const rendered =
          format === 'json' ? `${terminalJson(releaseJson(view))}\n` : format === 'md' ? renderReleaseMarkdown(view) : format === 'csv' ? renderReleaseCsv(view) : `${renderReleaseText(view, options.out ? undefined : out.layout)}\n`;
        if (options.out) {
          writeUserFile(path.resolve(out.io.cwd, options.out), '--out', rendered);
          if (!out.json) out.print(`wrote ${options.out}: release ${id}, ${VERDICT_LABEL[answer.manifest.verdict]}, manifest ${answer.manifest.hash.slice(0, 12)}`);
        } else {
          out.io.stdout.write(rendered);
        }
        out.exitCode = verdictExitCode(answer.manifest.verdict, options.failOn);
      });
    });
}
