import type { Command } from 'commander';
import { withApp, type RunOutput } from '../run.js';

/** `gig doctor`: checks the configuration, the index and every source, and says what to fix. */
export function registerDoctor(program: Command, out: RunOutput): void {
  program
    .command('doctor')
    .description('check the configuration, the index and every source; say what to fix')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  gig doctor')
    .action(async (options: { json?: boolean }, command: Command) => {
      out.json = Boolean(options.json);
      const [{ runDoctor }, { doctorProbes }] = await Promise.all([import('../../commands/doctor.js'), import('../doctor-probes.js')]);
      await withApp(
        command,
        out.io,
        async (app) => {
          await app.loadSources();
          const checks = await runDoctor(app.context, doctorProbes(app));
          if (out.json) out.printJson(checks);
          else out.print(checks.map((check) => `${check.ok ? '✓' : '✗'} ${check.area}: ${check.detail}${check.fix ? `\n    → ${check.fix}` : ''}`).join('\n'));
          if (checks.some((check) => !check.ok && !['slack', 'teams'].includes(check.area))) out.exitCode = 1;
        },
        'always',
      );
    });
}
