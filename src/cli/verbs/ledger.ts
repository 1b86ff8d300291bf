import path from 'node:path';
import type { Command } from 'commander';
import { withApp, type RunOutput } from '../run.js';

/** `gig ledger export | import`: move the ledger (every decision and record) between databases. */
export function registerLedger(program: Command, out: RunOutput): void {
  const ledger = program.command('ledger').description('export the ledger (approvals, rejections, deployments, manual steps, …) or import it into a new database, or into the shared PostgreSQL ledger (GIG_DATABASE_URL)');
  ledger
    .command('export')
    .description('every ledger row as JSON lines, read at one moment')
    .option('--out <file>', 'write to a file instead of the terminal')
    .addHelpText('after', '\nExamples:\n  gig ledger export --out ledger.jsonl\n  gig --db new.db ledger import ledger.jsonl\n  GIG_DATABASE_URL=postgres://gig:…@db:5432/gig gig ledger export --out ledger.jsonl')
    .action(async (options: { out?: string }, command: Command) => {
      const [{ exportLedger }, { exportPgLedger }, { writeUserFile }, { terminalJson }] = await Promise.all([
        import('../../store/ledger-transfer.js'),
        import('../../store/postgres/pg-ledger-transfer.js'),
        import('../files.js'),
        import('../../views/escape/terminal.js'),
      ]);
      await withApp(command, out.io, async (app) => {
        const at = app.context.now().toISOString();
        const { header, rows } = app.stores.postgres ? await exportPgLedger(app.stores.postgres, at) : exportLedger(app.db, at);
        // terminalJson writes DEL, C1 and bidi controls as \u escapes: the same data, safe on a terminal.
        const text = `${[header, ...rows].map((line) => terminalJson(line, 0)).join('\n')}\n`;
        if (options.out) {
          writeUserFile(path.resolve(out.io.cwd, options.out), '--out', text);
          out.print(`wrote ${options.out}: ${rows.length} ledger rows`);
        } else out.io.stdout.write(text);
      });
    });
  ledger
    .command('import')
    .description('read an export into this database, or into PostgreSQL when GIG_DATABASE_URL is set; the ledger must be empty; all or nothing')
    .argument('<file>', 'a file written by gig ledger export')
    .addHelpText('after', '\nExamples:\n  gig --db new.db ledger import ledger.jsonl\n  GIG_DATABASE_URL=postgres://gig:…@db:5432/gig gig ledger import ledger.jsonl')
    .action(async (file: string, _options: unknown, command: Command) => {
      const [{ importLedger, parseLedgerExport }, { importPgLedger }, { readUserFile }] = await Promise.all([
        import('../../store/ledger-transfer.js'),
        import('../../store/postgres/pg-ledger-transfer.js'),
        import('../files.js'),
      ]);
      await withApp(
        command,
        out.io,
        async (app) => {
          const ledger = parseLedgerExport(readUserFile(path.resolve(out.io.cwd, file), '<file>').split('\n'));
          const written = app.stores.postgres ? await importPgLedger(app.stores.postgres, ledger) : importLedger(app.db, ledger);
          out.print(`imported ${Object.values(written).reduce((sum, count) => sum + count, 0)} ledger rows from ${file}`);
        },
        'always',
      );
    });
}
