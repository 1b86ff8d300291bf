import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

const VALID = `
projects: [ABC, pay]
environments:
  - { name: dev,  branch: develop }
  - { name: qa,   branch: test }
repositories:
  - { name: orders-service, path: ./repos/orders-service }
  - { name: web-ui, path: ../web-ui, branches: { dev: dev } }
  - { name: mirror, url: git@example.com:team/mirror.git }
  - { name: local-mirror, url: ./upstream/local.git }
`;

function configError(text: string): ConfigError {
  try {
    parseConfig(text, '/team/gig.config.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('resolves paths against the config file and applies per-repository branch overrides', () => {
    const config = parseConfig(VALID, '/team/gig.config.yaml');
    expect(config.tickets).toEqual({
      pattern: '[A-Z][A-Z0-9]+-[0-9]+',
      projects: ['ABC', 'PAY'],
      ownedBy: ['subject', 'trailers', 'branch', 'pr'],
      trailers: ['Ticket', 'Jira', 'Issue', 'Fixes'],
    });
    expect(config.topology).toEqual({ order: ['dev', 'qa'], feeder: { dev: null, qa: 'dev' } });
    expect(config.repositories[0]).toEqual({
      name: 'orders-service',
      source: { kind: 'path', path: path.resolve('/team/repos/orders-service') },
      branches: { dev: 'develop', qa: 'test' },
      web: null,
    });
    // A remote over ssh or https gives the web address commits link to.
    expect(config.repositories[2]!.web).toBe('https://example.com/team/mirror');
    expect(config.repositories[1]!.branches).toEqual({ dev: 'dev', qa: 'test' });
    expect(config.repositories[2]!.source).toEqual({ kind: 'url', url: 'git@example.com:team/mirror.git' });
    expect(config.repositories[3]!.source).toEqual({ kind: 'url', url: path.resolve('/team/upstream/local.git') });
  });

  it('names the file, the key and the fix when a key is missing', () => {
    const error = configError('environments:\n  - { name: dev }\nrepositories:\n  - { name: a, path: ./a }\n');
    expect(error.message).toContain('/team/gig.config.yaml: environments[0].branch: is required');
    expect(error.hint).toContain('branch: develop');
    expect(error.exitCode).toBe(2);
  });

  it('points out unknown keys such as a misspelt section', () => {
    const error = configError(VALID.replace('environments:', 'enviroments:'));
    expect(error.message).toContain('unknown key "enviroments"');
    expect(error.message).toContain('environments: is required');
  });

  it('refuses a branch override for an environment that does not exist', () => {
    expect(configError(VALID.replace('{ dev: dev }', '{ staging: dev }')).message).toContain(
      'repositories[1].branches.staging: names environment "staging", which is not in "environments" (dev, qa)',
    );
  });

  it('refuses a repository with neither a path nor a url, and duplicate names', () => {
    expect(configError(VALID.replace('path: ./repos/orders-service', 'branches: {}')).message).toContain('repositories[0]: needs a "path", a "url" or "github: owner/name"');
    expect(configError(VALID.replace('name: web-ui', 'name: orders-service')).message).toContain('"orders-service" is used twice');
  });

  it('refuses an invalid ticket pattern and invalid YAML', () => {
    expect(configError(`ticketPattern: "[A-Z"\n${VALID}`).message).toContain('ticketPattern: is not a valid regular expression');
    expect(configError('environments: [ { name: dev').message).toContain('is not valid YAML');
  });

  it('reads release lines fed from a mainline, with a backflow setting per environment', () => {
    const config = parseConfig(
      `environments:
  - { name: main, branch: main }
  - { name: "2.3", branch: branch-2.3, from: main, backflow: ignore }
  - { name: "2.2", branch: branch-2.2, from: main }
backflow: block
tickets: { ownedBy: [subject], trailers: [Ticket] }
repositories:
  - { name: orc, path: ./orc }
`,
      '/team/gig.config.yaml',
    );
    expect(config.topology.feeder).toEqual({ main: null, '2.3': 'main', '2.2': 'main' });
    expect(config.environments.map((env) => env.backflow)).toEqual(['block', 'ignore', 'block']);
    expect(config.tickets.ownedBy).toEqual(['subject']);
  });

  it('refuses an environment fed from one listed after it, or from none that exists', () => {
    const lines = (from: string) => VALID.replace('{ name: qa,   branch: test }', `{ name: qa,   branch: test }\n  - { name: uat, branch: uat, from: ${from} }`);
    expect(configError(lines('prod')).message).toContain('environments[2].from: names environment "prod", which is not in "environments"');
    expect(configError(VALID.replace('{ name: dev,  branch: develop }', '{ name: dev,  branch: develop, from: qa }')).message).toContain(
      'environments[0].from: names "qa", which is listed after "dev"',
    );
    expect(configError(`tickets: { ownedBy: [title] }\n${VALID}`).message).toContain('tickets.ownedBy[0]: must be one of subject, trailers, branch, pr, body');
  });
});
