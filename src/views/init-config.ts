import type { InitProposal } from '../engine/config-proposal.js';

/**
 * The gig.config.yaml `gig init` writes (issue #14): what it found, as YAML a person can read and
 * correct, every choice explained in a comment beside it.
 */
export function initConfigYaml(proposal: InitProposal, scanned: string): string {
  const lines: string[] = [
    '# gig configuration, proposed by `gig init` from what it found in ' + scanned + '.',
    '# Relative paths start at this file. Every key is explained in README.md ("Configuration").',
    '',
  ];
  lines.push(...projectLines(proposal), '');
  lines.push(...environmentLines(proposal), '');
  lines.push(...repositoryLines(proposal));
  return lines.join('\n') + '\n';
}

function projectLines(proposal: InitProposal): string[] {
  if (proposal.projects.length === 0) {
    return [
      '# No ticket keys in the recent history: gig accepts any ABC-123 style id. Name yours to be strict:',
      '# projects: [ABC]',
    ];
  }
  const counts = proposal.projects.map((project) => `${project} ${proposal.projectCounts[project] ?? 0}`).join(', ');
  return [`# Ticket prefixes, by the commits of the recent history that name them (${counts}).`, `projects: [${proposal.projects.join(', ')}]`];
}

function environmentLines(proposal: InitProposal): string[] {
  const lines = ['# The promotion chain, in order, and the branch that holds each environment;', '# a release line names the environment it takes changes from.'];
  lines.push('environments:');
  for (const env of proposal.environments) {
    const fields = [`name: ${scalar(env.name)}`, `branch: ${scalar(env.branch)}`];
    if (env.from) fields.push(`from: ${scalar(env.from)}`);
    if (env.backflow) fields.push(`backflow: ${env.backflow}`);
    lines.push(`  - { ${fields.join(', ')} }`);
  }
  if (proposal.otherReleaseLines.length > 0) {
    lines.push(`  # Older release lines, not proposed: ${proposal.otherReleaseLines.join(', ')}.`);
  }
  return lines;
}

function repositoryLines(proposal: InitProposal): string[] {
  const lines = ['# Each repository: a local clone (path) or a url gig mirrors into .gig/mirrors.', 'repositories:'];
  for (const repo of proposal.repositories) {
    if (repo.lacking.length > 0) lines.push(`  # ${repo.name} has no branch for ${repo.lacking.join(', ')}: its changes there read as missing.`);
    const fields = [`name: ${scalar(repo.name)}`, `path: ${scalar(repo.path)}`];
    const overrides = Object.entries(repo.branches);
    if (overrides.length > 0) fields.push(`branches: { ${overrides.map(([env, branch]) => `${scalar(env)}: ${scalar(branch)}`).join(', ')} }`);
    lines.push(`  - { ${fields.join(', ')} }`);
  }
  return lines;
}

/** A YAML flow scalar: plain when it reads back as the same text, JSON-quoted otherwise. */
function scalar(value: string): string {
  return /^[A-Za-z_][A-Za-z0-9._/-]*$/.test(value) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(value) ? value : JSON.stringify(value);
}

/** What to run next, with a ticket the history actually names. */
export function initNextSteps(file: string, proposal: InitProposal, repositoryCount: number, dbInsideRepository: boolean): string {
  const found = `${repositoryCount} ${repositoryCount === 1 ? 'repository' : 'repositories'}`;
  const chain = proposal.environments.map((env) => `${env.name} (${env.branch})`).join(', ');
  const lines = [`wrote ${file}: ${found}; environments ${chain}${proposal.projects.length > 0 ? `; projects ${proposal.projects.join(', ')}` : ''}`];
  if (dbInsideRepository) lines.push('note: gig keeps its database in .gig/ here; add .gig/ to .gitignore');
  lines.push(`next: gig sync && gig status ${proposal.exampleTicket ?? '<TICKET>'}`);
  return lines.join('\n');
}

/** No repository found: the starter template, and what to fill in. */
export function initFoundNothing(file: string | null, scanned: string): string {
  const wrote = file === null ? 'this is a starter configuration' : `wrote a starter ${file}`;
  return `found no git repository in ${scanned}: ${wrote}\nnext: name your repositories and environments in it, or run \`gig init <folder of your repositories>\``;
}
