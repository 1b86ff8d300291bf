import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { GigError } from '../../errors.js';
import { resolvePath, type GlobalOptions, type RunOutput } from '../run.js';

interface InitOptions {
  force?: boolean;
  yes?: boolean;
  print?: boolean;
  projects?: string;
  env?: string[];
}

/**
 * `gig init [folder]`: looks at the repository it is run in, or the repositories one level below a
 * folder, and writes the configuration it proposes (engine/config-proposal.ts). Non-interactive:
 * flags override what it proposes.
 */
export function registerInit(program: Command, out: RunOutput): void {
  program
    .command('init')
    .description('look at your repositories and write a gig.config.yaml for them')
    .argument('[folder]', 'a repository, or a folder of repositories (default: the current folder)')
    .option('--projects <keys>', 'ticket prefixes, comma-separated (default: the ones recent commits name)')
    .option('--env <name=branch>', 'an environment and its branch, in promotion order; repeat for each (default: from the branches found)', collect)
    .option('--print', 'print the configuration instead of writing it')
    .option('-f, --force', 'overwrite an existing configuration file')
    .option('-y, --yes', 'the same as --force, for scripts that answer yes')
    .addHelpText('after', '\nExamples:\n  cd ~/src/orders-service && gig init\n  gig init ~/src --projects ABC,OPS --env dev=develop --env prod=main')
    .action(async (folder: string | undefined, options: InitOptions, command: Command) => {
      const [{ configPath }, { createGitRunner }, discover, { proposeConfig }, view, { INIT_TEMPLATE }] = await Promise.all([
        import('../../config.js'),
        import('../../sources/git/runner.js'),
        import('../../sources/git/discover.js'),
        import('../../engine/config-proposal.js'),
        import('../../views/init-config.js'),
        import('../init-template.js'),
      ]);
      const file = resolvePath(out.io, configPath(command.optsWithGlobals<GlobalOptions>().config, out.io.env));
      if (!options.print && existsSync(file) && !options.force && !options.yes) {
        throw new GigError('USAGE', `${file} already exists.`, { hint: 'Edit it, or run `gig init --force` to propose a new one over it.' });
      }
      const scanned = resolvePath(out.io, folder ?? '.');
      if (!existsSync(scanned)) throw new GigError('USAGE', `${scanned} does not exist.`, { hint: 'Name a repository or a folder of repositories.' });
      const overrides = {
        ...(options.projects === undefined ? {} : { projects: projectList(options.projects) }),
        ...(options.env === undefined ? {} : { environments: options.env.map(environmentPair) }),
      };
      const git = createGitRunner();
      const found = await Promise.all(discover.findRepositoryDirs(scanned).map((dir) => discover.discoverRepository(git, dir)));
      if (found.length === 0) {
        if (options.print) {
          out.print(INIT_TEMPLATE);
          out.io.stderr.write(`${view.initFoundNothing(null, scanned)}\n`);
        } else {
          mkdirSync(path.dirname(file), { recursive: true });
          writeFileSync(file, INIT_TEMPLATE);
          out.print(view.initFoundNothing(file, scanned));
        }
        return;
      }
      const configDir = path.dirname(file);
      if (!options.print) mkdirSync(configDir, { recursive: true });
      const proposal = proposeConfig(
        found.map((repo) => ({ ...repo, path: path.relative(configDir, repo.dir).split(path.sep).join('/') || '.' })),
        overrides,
      );
      const yaml = view.initConfigYaml(proposal, path.relative(out.io.cwd, scanned) || '.');
      if (options.print) {
        out.print(yaml);
        return;
      }
      writeFileSync(file, yaml);
      const dbInsideRepository = found.some((repo) => isInside(path.resolve(out.io.cwd, '.gig'), repo.dir));
      out.print(view.initNextSteps(file, proposal, found.length, dbInsideRepository));
    });
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function projectList(value: string): string[] {
  const projects = value.split(',').map((key) => key.trim()).filter((key) => key.length > 0);
  const wrong = projects.find((key) => !/^[A-Za-z][A-Za-z0-9]*$/.test(key));
  if (projects.length === 0 || wrong !== undefined) {
    throw new GigError('USAGE', `--projects ${JSON.stringify(value)} is not a list of ticket prefixes.`, { hint: 'Write them comma-separated, e.g. --projects ABC,OPS.' });
  }
  return projects.map((key) => key.toUpperCase());
}

function environmentPair(value: string): { name: string; branch: string } {
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)=(\S+)$/.exec(value);
  if (!match) throw new GigError('USAGE', `--env ${JSON.stringify(value)} is not name=branch.`, { hint: 'Write e.g. --env qa=test, once per environment, in promotion order.' });
  return { name: match[1]!, branch: match[2]! };
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(path.resolve(dir), file);
  return relative.length > 0 && !relative.startsWith('..') && !path.isAbsolute(relative);
}
