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
    expect(config.tickets).toEqual({ pattern: '[A-Z][A-Z0-9]+-[0-9]+', projects: ['ABC', 'PAY'] });
    expect(config.repositories[0]).toEqual({
      name: 'orders-service',
      source: { kind: 'path', path: path.resolve('/team/repos/orders-service') },
      branches: { dev: 'develop', qa: 'test' },
    });
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
});
