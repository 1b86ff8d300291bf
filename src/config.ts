import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { createRequire } from 'node:module';
import type { CronExpressionParser } from 'cron-parser';
import { ConfigError } from './errors.js';
import { effectiveRules, type RiskRule } from './engine/risk-rules.js';
import { DEFAULT_POLICY, type VerdictPolicy } from './engine/verdict.js';
import { ticketPatternProblem } from './engine/ticket-pattern.js';
import type { Topology } from './engine/topology.js';

export const DEFAULT_TICKET_PATTERN = '[A-Z][A-Z0-9]+-[0-9]+';
export const DEFAULT_CONFIG_FILE = 'gig.config.yaml';
const DEFAULT_SYNC_CRON = '*/5 * * * *';

/** cron-parser (with luxon and the system's locale data) costs every command ~15 ms to load: only when a cron is read. */
function cronParser(): typeof CronExpressionParser {
  return (createRequire(import.meta.url)('cron-parser') as { CronExpressionParser: typeof CronExpressionParser }).CronExpressionParser;
}
export const DEFAULT_DB_FILE = path.join('.gig', 'gig.db');

const name = z
  .string({ error: 'must be a text' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'may hold only letters, digits, ".", "_" and "-"' });

const backflowValue = z.enum(['warn', 'block', 'ignore'], { error: 'must be warn, block or ignore' });

const environmentSchema = z.strictObject({
  name,
  branch: z.string({ error: 'must be a branch name' }).min(1, { error: 'must not be empty' }),
  /** The environment this one is fed from; the one listed before it when absent. */
  from: z.string().min(1).optional(),
  backflow: backflowValue.optional(),
});

export const OWNERSHIP_PLACES = ['subject', 'trailers', 'branch', 'pr', 'body'] as const;
export type OwnershipPlace = (typeof OWNERSHIP_PLACES)[number];
export const DEFAULT_OWNED_BY: OwnershipPlace[] = ['subject', 'trailers', 'branch', 'pr'];
export const DEFAULT_OWNING_TRAILERS = ['Ticket', 'Jira', 'Issue', 'Fixes'];

const repositorySchema = z
  .strictObject({
    name,
    path: z.string().min(1).optional(),
    url: z.string().min(1).optional(),
    github: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: 'must be owner/name' }).optional(),
    branches: z.record(z.string(), z.string().min(1)).optional(),
    /**
     * Where people browse the repository, for links to commits: its web address (GitHub, GitLab,
     * Bitbucket, Azure DevOps) or a template with {sha}. Taken from `github:` or an https `url:` when not given.
     */
    web: z.url({ protocol: /^https?$/, error: 'must be an http(s) address, e.g. https://github.com/acme/orders or …/commit/{sha}' }).optional(),
  })
  .superRefine((repo, ctx) => {
    const given = [repo.path, repo.url, repo.github].filter((value) => value !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: given === 0 ? 'needs a "path", a "url" or "github: owner/name"' : 'takes one of "path", "url" and "github", not several',
      });
    }
  });

const verdictValue = z.enum(['safe', 'risky', 'manual-only', 'blocked'], { error: 'must be safe, risky, manual-only or blocked' });

const riskRuleSchema = z.strictObject({
  code: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be a lower-case code such as db-script' }),
  level: z.enum(['info', 'warning', 'manual', 'blocking'], { error: 'must be info, warning, manual or blocking' }),
  globs: z.array(z.string().min(1)).min(1, { error: 'must list at least one glob' }),
  summary: z.string().min(1).optional(),
  manualStep: z.string().min(1).optional(),
});

const configSchema = z
  .strictObject({
    projects: z
      .array(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, { error: 'must be a project key such as ABC' }))
      .min(1)
      .optional(),
    ticketPattern: z
      .string()
      .default(DEFAULT_TICKET_PATTERN)
      .superRefine((pattern, ctx) => {
        const problem = pattern === DEFAULT_TICKET_PATTERN ? null : ticketPatternProblem(pattern);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    tickets: z
      .strictObject({
        ownedBy: z
          .array(z.enum(OWNERSHIP_PLACES, { error: `must be one of ${OWNERSHIP_PLACES.join(', ')}` }))
          .min(1, { error: 'must name at least one place, e.g. [subject, trailers]' })
          .default(DEFAULT_OWNED_BY),
        trailers: z
          .array(z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, { error: 'must be a trailer key such as Ticket' }))
          .default(DEFAULT_OWNING_TRAILERS),
      })
      .default({ ownedBy: DEFAULT_OWNED_BY, trailers: DEFAULT_OWNING_TRAILERS }),
    environments: z.array(environmentSchema).min(1, { error: 'must list at least one environment' }),
    backflow: backflowValue.default('warn'),
    repositories: z.array(repositorySchema).min(1, { error: 'must list at least one repository' }),
    risks: z.array(riskRuleSchema).optional(),
    policy: z
      .strictObject({
        anomaly: verdictValue.optional(),
        anomalyElsewhere: verdictValue.optional(),
        notInSource: verdictValue.optional(),
        missingBranch: verdictValue.optional(),
        missingDependency: verdictValue.optional(),
        openRejection: verdictValue.optional(),
        revertNotInTarget: verdictValue.optional(),
        openManualStep: verdictValue.optional(),
        warning: verdictValue.optional(),
        blockingRisk: verdictValue.optional(),
      })
      .optional(),
    largeChange: z
      .strictObject({ lines: z.number().int().positive().optional(), files: z.number().int().positive().optional() })
      .optional(),
    people: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          email: z.string().min(3).optional(),
          slack: z.string().regex(/^[UW][A-Z0-9]+$/, { error: 'must be a Slack user id such as U0ANA' }).optional(),
          teams: z.string().min(1).optional(),
          captain: z.boolean().default(false),
        }),
      )
      .default([]),
    approvals: z
      .strictObject({ required: z.number().int().min(1).default(1), allowSelfApproval: z.boolean().default(false), allowBlockedOverride: z.boolean().default(false) })
      .default({ required: 1, allowSelfApproval: false, allowBlockedOverride: false }),
    digests: z
      .array(
        z
          .strictObject({
            name,
            cron: z.string().min(9, { error: 'must be a cron expression such as "0 9 * * 1-5"' }),
            timezone: z.string().default('UTC'),
            target: z.string().min(1),
            scope: z.union([
              z.strictObject({ release: z.string().min(1) }),
              z.strictObject({ tickets: z.array(z.string().min(1)).min(1) }),
              z.strictObject({ fixVersion: z.string().min(1) }),
            ], { error: 'must be { release: <id> }, { tickets: [ABC-1, …] } or { fixVersion: "<version>" }' }),
            slack: z.strictObject({ channel: z.string().min(1) }).optional(),
            teams: z.strictObject({ conversation: z.string().min(1) }).optional(),
            graceMinutes: z.number().int().min(0).default(120),
          })
          .superRefine((digest, ctx) => {
            try {
              new Intl.DateTimeFormat('en', { timeZone: digest.timezone });
            } catch {
              ctx.addIssue({ code: 'custom', path: ['timezone'], message: `"${digest.timezone}" is not an IANA time zone such as Europe/Berlin` });
            }
            if (!digest.slack && !digest.teams) ctx.addIssue({ code: 'custom', message: 'needs a "slack: { channel }" or a "teams: { conversation }" to post to' });
          }),
      )
      .default([]),
    jira: z
      .strictObject({
        projects: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/)).min(1).optional(),
        deployment: z.enum(['cloud', 'datacenter']).default('cloud'),
        rejections: z.array(z.strictObject({ from: z.string().min(1), to: z.string().min(1), stage: z.string().regex(/^[a-z][a-z0-9-]*$/) })).default([]),
        dependencyLinks: z.array(z.string().min(1)).default(['is blocked by', 'depends on']),
        manualStepField: z.string().regex(/^customfield_\d+$/, { error: 'must be a custom field id such as customfield_10042' }).optional(),
      })
      .optional(),
    github: z
      .strictObject({
        /** GitHub environment name per gig environment, when they differ (prod: production). */
        environments: z.record(z.string(), z.string().min(1)).default({}),
      })
      .default({ environments: {} }),
    teams: z.strictObject({ tenants: z.array(z.string().min(1)).default([]) }).default({ tenants: [] }),
    sync: z
      .strictObject({ cron: z.string().min(9, { error: 'must be a cron expression such as "*/5 * * * *"' }).default(DEFAULT_SYNC_CRON) })
      .default({ cron: DEFAULT_SYNC_CRON }),
  })
  .superRefine((config, ctx) => {
    reportDuplicates(config.environments.map((env) => env.name), 'environments', ctx);
    reportDuplicates(config.repositories.map((repo) => repo.name), 'repositories', ctx);
    const known = new Set(config.environments.map((env) => env.name));
    reportDuplicates(config.digests.map((digest) => digest.name), 'digests', ctx);
    config.environments.forEach((env, index) => {
      if (env.from === undefined) return;
      const earlier = config.environments.slice(0, index).map((candidate) => candidate.name);
      if (!earlier.includes(env.from)) {
        ctx.addIssue({
          code: 'custom',
          path: ['environments', index, 'from'],
          message: known.has(env.from)
            ? `names "${env.from}", which is listed after "${env.name}"; list the environment it is fed from first`
            : `names environment "${env.from}", which is not in "environments"`,
        });
      }
    });
    // The built-in default is known to be valid: most configurations then need no cron parser at all.
    if (config.sync.cron !== DEFAULT_SYNC_CRON) {
      try {
        cronParser().parse(config.sync.cron);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['sync', 'cron'], message: `is not a cron expression: ${(error as Error).message}` });
      }
    }
    config.digests.forEach((digest, index) => {
      if (!known.has(digest.target)) ctx.addIssue({ code: 'custom', path: ['digests', index, 'target'], message: `names environment "${digest.target}", which is not in "environments"` });
      try {
        cronParser().parse(digest.cron, { tz: digest.timezone });
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['digests', index, 'cron'], message: `is not a cron expression: ${(error as Error).message}` });
      }
    });
    config.repositories.forEach((repo, index) => {
      for (const env of Object.keys(repo.branches ?? {})) {
        if (!known.has(env)) {
          ctx.addIssue({
            code: 'custom',
            path: ['repositories', index, 'branches', env],
            message: `names environment "${env}", which is not in "environments" (${[...known].join(', ')})`,
          });
        }
      }
    });
  });

function reportDuplicates(names: string[], key: string, ctx: z.RefinementCtx): void {
  names.forEach((value, index) => {
    if (names.indexOf(value) !== index) {
      ctx.addIssue({ code: 'custom', path: [key, index, 'name'], message: `"${value}" is used twice; names must be unique` });
    }
  });
}

export type RawConfig = z.infer<typeof configSchema>;

export interface EnvironmentConfig {
  name: string;
  branch: string;
  /** The environment this one is fed from; null for the root. */
  from: string | null;
  backflow: 'warn' | 'block' | 'ignore';
}

/** The sources the configuration names, for the store to report the health of these only. */
export function configuredSources(config: GigConfig): { repositories: string[]; jira: boolean } {
  return { repositories: config.repositories.map((repository) => repository.name), jira: Boolean(config.jira) };
}

export type RepositorySource = { kind: 'path'; path: string } | { kind: 'url'; url: string } | { kind: 'github'; repository: string };

export interface RepositoryConfig {
  name: string;
  source: RepositorySource;
  /** The branch of every environment for this repository, overrides applied. */
  branches: Record<string, string>;
  /** Its web address or a commit template with {sha} (commands/links.ts makes links of it); null when unknown. */
  web: string | null;
}

/** The web address of a git remote: https://host/owner/repo(.git) or git@host:owner/repo(.git); null for others. */
export function webOfRemote(remote: string): string | null {
  const https = /^https:\/\/(?:[^@/]+@)?([^/]+)\/(.+?)(?:\.git)?\/?$/.exec(remote);
  if (https) return `https://${https[1]}/${https[2]}`;
  const ssh = /^(?:ssh:\/\/)?git@([^:/]+)[:/](.+?)(?:\.git)?\/?$/.exec(remote);
  return ssh ? `https://${ssh[1]}/${ssh[2]}` : null;
}

export interface GigConfig {
  file: string;
  dir: string;
  tickets: { pattern: string; projects: string[] | null; ownedBy: OwnershipPlace[]; trailers: string[] };
  environments: EnvironmentConfig[];
  /** How the environments feed each other, from `from:` (the chain when none is given). */
  topology: Topology;
  repositories: RepositoryConfig[];
  risks: RiskRule[];
  policy: VerdictPolicy;
  largeChange: { lines: number; files: number };
  people: Person[];
  /** allowBlockedOverride: whether a captain may approve a BLOCKED release, with a reason on record. */
  approvals: { required: number; allowSelfApproval: boolean; allowBlockedOverride: boolean };
  sync: { cron: string };
  teams: { tenants: string[] };
  digests: DigestConfig[];
  jira: JiraConfig | null;
  github: { environments: Record<string, string> };
}

export interface JiraConfig {
  projects: string[] | null;
  deployment: 'cloud' | 'datacenter';
  rejections: Array<{ from: string; to: string; stage: string }>;
  dependencyLinks: string[];
  manualStepField: string | null;
}

export interface DigestConfig {
  name: string;
  cron: string;
  timezone: string;
  target: string;
  scope: { release: string } | { tickets: string[] } | { fixVersion: string };
  slack?: { channel: string } | undefined;
  teams?: { conversation: string } | undefined;
  graceMinutes: number;
}

export interface Person {
  name: string;
  email?: string | undefined;
  slack?: string | undefined;
  teams?: string | undefined;
  captain: boolean;
}

/** What to tell the user for a key, when the schema's own words are not enough. */
const HINTS: Array<[RegExp, string]> = [
  [/^environments\.\d+\.from/, 'Name an environment listed before this one, e.g. { name: "2.3", branch: branch-2.3, from: main } (docs/history.md)'],
  [/^environments(\.|$)/, 'List the promotion chain in order, e.g. environments: [{ name: dev, branch: develop }, { name: qa, branch: test }]'],
  [/^tickets/, 'Write tickets: { ownedBy: [subject, trailers, branch, pr], trailers: [Ticket, Jira] } (docs/history.md)'],
  [/^backflow/, 'Write backflow: warn, block or ignore'],
  [/^repositories\.\d+\.branches/, 'Override a branch per environment, e.g. branches: { dev: dev }'],
  [/^repositories\.\d+$/, 'Give the repository a local clone: { name: orders-service, path: ./repos/orders-service }, or a url to mirror'],
  [/^repositories(\.|$)/, 'List each repository with a name and a path, e.g. { name: orders-service, path: ./repos/orders-service }'],
  [/^risks/, 'Each rule needs a code, a level (info, warning, manual, blocking) and globs, e.g. { code: sql, level: manual, globs: ["*.sql"] }'],
  [/^policy/, 'Map a rule to a verdict, e.g. policy: { openManualStep: risky }; see docs/verdicts.md'],
  [/^people/, 'List people as { name: Ana, email: ana@example.com, slack: U0ANA, teams: "29:ana", captain: true }'],
  [/^approvals/, 'Write approvals: { required: 1, allowSelfApproval: false }'],
  [/^jira/, 'Write jira: { rejections: [{ from: "In QA", to: "In Progress", stage: qa }], dependencyLinks: ["is blocked by"] }'],
  [/^github/, 'Write github: { environments: { prod: production } } to map gig environments to GitHub deployment environments'],
  [/^digests/, 'Each digest: { name: prod-window, cron: "0 9 * * 1-5", timezone: Europe/Berlin, target: prod, scope: { release: REL-1 }, slack: { channel: C0RELEASE } }'],
  [/^teams/, 'Write teams: { tenants: ["<your Microsoft Entra tenant id>"] }'],
  [/^sync/, 'Write sync: { cron: "*/5 * * * *" } (every five minutes)'],
  [/^projects/, 'List ticket prefixes in upper case, e.g. projects: [ABC, PAY]'],
  [/^ticketPattern/, `Use a regular expression for one ticket id; the default is "${DEFAULT_TICKET_PATTERN}"`],
];

function hintFor(key: string): string {
  return HINTS.find(([pattern]) => pattern.test(key))?.[1] ?? 'See the Configuration section of README.md';
}

function formatKey(pathParts: ReadonlyArray<PropertyKey>): string {
  return pathParts.reduce<string>((acc, part) => {
    if (typeof part === 'number') return `${acc}[${part}]`;
    return acc === '' ? String(part) : `${acc}.${String(part)}`;
  }, '');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return issue.message;
}

/** Parses configuration text; `file` only names the source in messages and anchors relative paths. */
export function parseConfig(text: string, file: string): GigConfig {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    throw new ConfigError(`${file}: is not valid YAML: ${first.message.split('\n')[0]}`, 'Fix the YAML syntax at the line named above.');
  }
  let value: unknown;
  try {
    // The yaml library refuses documents whose aliases would expand without bound ("billion laughs").
    value = document.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new ConfigError(`${file}: cannot be read as configuration: ${(error as Error).message}`, 'Write the configuration without YAML aliases (&anchor / *alias) expanding into each other.');
  }
  const result = configSchema.safeParse(value, { reportInput: true });
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = formatKey(issue.path);
      return `${file}: ${key === '' ? '(top level)' : key}: ${describeIssue(issue)}`;
    });
    const firstKey = formatKey(result.error.issues[0]?.path ?? []).replace(/\[(\d+)\]/g, '.$1');
    throw new ConfigError(lines.join('\n'), hintFor(firstKey));
  }
  return resolveConfig(result.data, file);
}

function resolveConfig(raw: RawConfig, file: string): GigConfig {
  const dir = path.dirname(path.resolve(file));
  const environments = raw.environments.map((env, index) => ({
    name: env.name,
    branch: env.branch,
    from: env.from ?? (index === 0 ? null : raw.environments[index - 1]!.name),
    backflow: env.backflow ?? raw.backflow,
  }));
  return {
    file: path.resolve(file),
    dir,
    tickets: {
      pattern: raw.ticketPattern,
      projects: raw.projects?.map((key) => key.toUpperCase()) ?? null,
      ownedBy: [...new Set(raw.tickets.ownedBy)],
      trailers: raw.tickets.trailers,
    },
    environments,
    topology: { order: environments.map((env) => env.name), feeder: Object.fromEntries(environments.map((env) => [env.name, env.from])) },
    repositories: raw.repositories.map((repo) => ({
      name: repo.name,
      source:
        repo.path !== undefined
          ? { kind: 'path', path: path.resolve(dir, repo.path) }
          : repo.url !== undefined
            ? { kind: 'url', url: resolveUrl(repo.url, dir) }
            : { kind: 'github', repository: repo.github! },
      branches: Object.fromEntries(raw.environments.map((env) => [env.name, repo.branches?.[env.name] ?? env.branch])),
      web: repo.web ?? (repo.github !== undefined ? `https://github.com/${repo.github}` : repo.url !== undefined ? webOfRemote(repo.url) : null),
    })),
    risks: effectiveRules(raw.risks?.map((rule) => ({ ...rule, summary: rule.summary ?? rule.code }))),
    policy: { ...DEFAULT_POLICY, ...raw.policy },
    largeChange: { lines: raw.largeChange?.lines ?? 1000, files: raw.largeChange?.files ?? 50 },
    people: raw.people,
    approvals: raw.approvals,
    sync: raw.sync,
    teams: raw.teams,
    digests: raw.digests,
    jira: raw.jira
      ? {
          projects: raw.jira.projects?.map((key) => key.toUpperCase()) ?? raw.projects?.map((key) => key.toUpperCase()) ?? null,
          deployment: raw.jira.deployment,
          rejections: raw.jira.rejections,
          dependencyLinks: raw.jira.dependencyLinks.map((link) => link.toLowerCase()),
          manualStepField: raw.jira.manualStepField ?? null,
        }
      : null,
    github: raw.github,
  };
}

/** A url may be a remote (scheme or scp-like host:path) or a local path, which is relative to the config. */
function resolveUrl(url: string, dir: string): string {
  const isRemote = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[^/\\]+@[^/\\]+:/.test(url) || /^[^/\\:]{2,}:[^/\\]/.test(url);
  return isRemote ? url : path.resolve(dir, url);
}

/** Finds the configuration file: --config, then GIG_CONFIG, then ./gig.config.yaml. */
export function configPath(explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  return explicit ?? env.GIG_CONFIG ?? DEFAULT_CONFIG_FILE;
}

export function loadConfig(file: string): GigConfig {
  if (!existsSync(file)) {
    throw new ConfigError(
      `No configuration at ${file}.`,
      'Create one with `gig init`, point to one with --config <file> or GIG_CONFIG, or try `gig demo` for a ready-made workspace.',
      'CONFIG_NOT_FOUND',
    );
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `Cannot read the configuration ${file}: ${code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' || code === 'EPERM' ? 'this user may not read it' : (error as Error).message}.`,
      'Point --config (or GIG_CONFIG) at the gig.config.yaml file itself.',
    );
  }
  return parseConfig(text, file);
}

export function dbPath(explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  return explicit ?? env.GIG_DB ?? DEFAULT_DB_FILE;
}

/** The environment variables gig reads, parsed once; secrets never appear in messages. */
const variablesSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_APP_TOKEN: z.string().min(1).optional(),
  SLACK_API_URL: z.url({ error: 'must be a URL such as https://slack.com/api/' }).optional(),
  MICROSOFT_APP_ID: z.string().min(1).optional(),
  MICROSOFT_APP_PASSWORD: z.string().min(1).optional(),
  MICROSOFT_APP_TENANT_ID: z.string().min(1).optional(),
  MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
  /** Where Microsoft Entra issues the bot's tokens (sovereign clouds, tests); login.microsoftonline.com by default. */
  MICROSOFT_LOGIN_URL: z.url().optional(),
  GITHUB_TOKEN: z.string().min(1).optional(),
  GITHUB_API_URL: z.url().optional(),
  JIRA_BASE_URL: z.url().optional(),
  JIRA_EMAIL: z.string().min(1).optional(),
  JIRA_API_TOKEN: z.string().min(1).optional(),
  GIG_DEPLOY_HOOK_SECRET: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  GIG_TEAMS_DEV: z.enum(['0', '1']).optional(),
  GIG_PUBLIC_URL: z.url({ error: 'must be the public URL of gig serve, such as https://gig.example.com' }).optional(),
  /**
   * The shared ledger of several replicas (docs/replicas.md): a PostgreSQL URL. Without it the
   * ledger stays in the SQLite file, beside the index.
   */
  GIG_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, { error: 'must be a PostgreSQL URL, such as postgres://gig:secret@db.example.com:5432/gig' })
    .optional(),
  /** Worker threads gig serve answers in; 0 answers on the main thread. */
  GIG_WORKERS: z.coerce.number().int().min(0, { error: 'must be 0 or more' }).max(64, { error: 'must be 64 or fewer' }).optional(),
});

export type GigEnvironment = z.infer<typeof variablesSchema>;

export function loadEnvironment(env: NodeJS.ProcessEnv): GigEnvironment {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = variablesSchema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError(`Environment variable ${String(issue.path[0])}: ${issue.message}`, `Fix or unset ${String(issue.path[0])}.`);
  }
  return result.data;
}
