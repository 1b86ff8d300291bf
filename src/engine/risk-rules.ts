import picomatch from 'picomatch';

/** A path rule (DESIGN §4.4): files matching its globs raise a risk, and maybe a manual step. */
export type RiskLevel = 'info' | 'warning' | 'manual' | 'blocking';

export interface RiskRule {
  code: string;
  level: RiskLevel;
  globs: string[];
  summary: string;
  /**
   * A manual step to template: {file} makes one step per file, otherwise one per repository;
   * {files}, {repository}, {target} and {ticket} are filled in.
   */
  manualStep?: string;
}

/** The defaults; `risks:` in the configuration replaces a rule with the same code or adds one. */
export const DEFAULT_RISK_RULES: RiskRule[] = [
  {
    code: 'db-script',
    level: 'manual',
    globs: ['*.sql', '**/migrations/**', '**/db/**', '**/liquibase/**', '**/flyway/**', '**/changelog*.xml'],
    summary: 'database change',
    manualStep: 'Run {file} on {target}',
  },
  {
    code: 'mendix',
    level: 'manual',
    globs: ['*.mpr', '*.mpk', '**/mendix/**'],
    summary: 'Mendix model change',
    manualStep: 'Deploy the Mendix package of {repository} ({files}) to {target}',
  },
  {
    code: 'config',
    level: 'warning',
    globs: ['*.properties', '*.yml', '*.yaml', '.env*', '**/config/**', '*.conf', '*.ini'],
    summary: 'configuration change',
  },
  {
    code: 'infrastructure',
    level: 'warning',
    globs: ['Dockerfile', '*.dockerfile', 'docker-compose*.yml', '**/helm/**', '**/charts/**', '*.tf', '*.tfvars', '**/k8s/**', '**/kubernetes/**'],
    summary: 'infrastructure change',
  },
  {
    code: 'lockfile',
    level: 'info',
    globs: ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'poetry.lock', 'Pipfile.lock', 'Gemfile.lock', 'go.sum', 'Cargo.lock', 'gradle.lockfile'],
    summary: 'dependency lockfile change',
  },
];

/** Merges configured rules over the defaults, by code. */
export function effectiveRules(configured: RiskRule[] | undefined): RiskRule[] {
  const rules = new Map(DEFAULT_RISK_RULES.map((rule) => [rule.code, rule]));
  for (const rule of configured ?? []) rules.set(rule.code, rule);
  return [...rules.values()];
}

export type PathMatcher = (path: string) => boolean;

/**
 * Globs without a slash match a file name anywhere (`*.sql`), globs with one match the path from the
 * repository root; dot-files count.
 */
export function compileRule(rule: RiskRule): PathMatcher {
  let compiled = COMPILED.get(rule);
  if (!compiled) {
    const matchers = rule.globs.map((glob) => picomatch(glob, { dot: true, basename: !glob.includes('/') }));
    compiled = (path) => matchers.some((matches) => matches(path));
    COMPILED.set(rule, compiled);
  }
  return compiled;
}

// Compiling a glob costs far more than matching one; rules live as long as the configuration.
const COMPILED = new WeakMap<RiskRule, PathMatcher>();
