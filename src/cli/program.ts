import { Command, CommanderError, Option } from 'commander';
import { toGigError } from '../errors.js';
import { errorJson, renderError } from '../views/error-text.js';
import { terminalIo, terminalWidth, wantsColour, type CliIo } from './io.js';
import { RunOutput } from './run.js';
import { gigVersion } from './version.js';
import { PLAIN } from '../views/style.js';
import { registerCheck } from './verbs/check.js';
import { registerDemo } from './verbs/demo.js';
import { registerDeployed } from './verbs/deployed.js';
import { registerDigest } from './verbs/digest.js';
import { registerDoctor } from './verbs/doctor.js';
import { registerInit } from './verbs/init.js';
import { registerLedger } from './verbs/ledger.js';
import { registerManual } from './verbs/manual.js';
import { registerReject } from './verbs/reject.js';
import { registerRelease } from './verbs/release.js';
import { registerServe } from './verbs/serve.js';
import { registerStatus } from './verbs/status.js';
import { registerSync } from './verbs/sync.js';

// The verb table: each verb is a module of cli/verbs/ that registers its command (name, options,
// help) and imports what it runs (commands, views, the store, the SDKs) when it runs, so `gig
// --help` loads none of them and `gig status` none of another verb's. test/startup.test.ts checks
// which modules load. A new verb is a new module here, in the order `gig --help` lists it.
const VERBS: Array<(program: Command, out: RunOutput) => void> = [
  registerInit,
  registerSync,
  registerStatus,
  registerCheck,
  registerReject,
  registerDeployed,
  registerManual,
  registerRelease,
  registerDoctor,
  registerDigest,
  registerLedger,
  registerServe,
  registerDemo,
];

/** Runs the `gig` command line and returns the exit code; never throws, never prints a stack. */
export async function runCli(argv: string[], rawIo: CliIo): Promise<number> {
  // Every write goes through the terminal sanitiser; only the progress bar gets rawIo.
  // picocolors is loaded only when there is colour to write.
  const colour = wantsColour(rawIo) ? (await import('./terminal-style.js')).terminalStyle() : null;
  const layout = { style: colour?.style ?? PLAIN, width: terminalWidth(rawIo) };
  const out = new RunOutput(terminalIo(rawIo, colour?.render), rawIo, layout);
  const program = gigProgram(out.io);
  for (const register of VERBS) register(program, out);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return out.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    const gigError = toGigError(error);
    if (out.json) out.printJson(errorJson(gigError));
    out.io.stderr.write(`${renderError(gigError)}\n`);
    if (gigError.code === 'INTERNAL' && out.io.env.GIG_DEBUG) out.io.stderr.write(`${(error as Error).stack ?? ''}\n`);
    return gigError.exitCode;
  }
}

/** The program without its verbs: the global options, and errors and help written to `io`. */
function gigProgram(io: CliIo): Command {
  return new Command('gig')
    .description('Release coordination: where is a ticket, what is missing in the next environment, is it safe to promote.')
    .addOption(new Option('--config <file>', 'configuration file (default: $GIG_CONFIG or ./gig.config.yaml)'))
    .addOption(new Option('--db <file>', 'SQLite database (default: $GIG_DB or .gig/gig.db)'))
    .version(gigVersion(), '-V, --version', 'gig\'s version')
    .showHelpAfterError('(run `gig --help` for the commands, `gig <command> --help` for one)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
}
