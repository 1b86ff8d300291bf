import { Version2Client, Version3Client } from 'jira.js';
import type { GigEnvironment, JiraConfig } from '../../config.js';
import { ConfigError } from '../../errors.js';
import type { TrackerTicket } from '../../engine/model.js';
import { withRetry, type HttpFailure, type RetryPolicy } from '../retry.js';

export type { TrackerTicket };

interface JiraIssue {
  key: string;
  fields: Record<string, unknown>;
  changelog?: { histories?: JiraHistory[]; total?: number; maxResults?: number };
}

interface JiraHistory {
  id: string;
  created: string;
  author?: { displayName?: string };
  items: Array<{ field: string; fromString?: string | null; toString?: string | null }>;
}

const PAGE = 100;
const KEYS_PER_QUERY = 100;
/** A chunk of keys with one unknown key after another is asked again at most this often. */
const MISSING_KEY_RETRIES = 5;

/**
 * Jira through jira.js: Cloud's enhanced JQL search (/rest/api/3/search/jql, paged by
 * nextPageToken) or Data Center's /rest/api/2/search (paged by startAt). Credentials come from
 * JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN and never appear in errors.
 */
export class JiraSource {
  private readonly cloud: Version3Client | null;
  private readonly dataCenter: Version2Client | null;

  constructor(
    private readonly config: JiraConfig,
    private readonly env: GigEnvironment,
    private readonly retry?: RetryPolicy,
  ) {
    if (!env.JIRA_BASE_URL) throw new ConfigError('The configuration has a "jira" section but JIRA_BASE_URL is not set.', 'Export JIRA_BASE_URL (e.g. https://acme.atlassian.net), JIRA_EMAIL and JIRA_API_TOKEN.');
    if (!env.JIRA_API_TOKEN) throw new ConfigError('JIRA_API_TOKEN is not set.', 'Create an API token (Atlassian account → Security → API tokens; a personal access token on Data Center) and export it.');
    const host = env.JIRA_BASE_URL.replace(/\/$/, '');
    if (config.deployment === 'cloud') {
      if (!env.JIRA_EMAIL) throw new ConfigError('JIRA_EMAIL is not set.', 'Jira Cloud API tokens go with the e-mail of their account: export JIRA_EMAIL.');
      this.cloud = new Version3Client({ host, authentication: { basic: { email: env.JIRA_EMAIL, apiToken: env.JIRA_API_TOKEN } } });
      this.dataCenter = null;
    } else {
      // A Data Center personal access token is a bearer token.
      this.dataCenter = new Version2Client({ host, baseRequestConfig: { headers: { Authorization: `Bearer ${env.JIRA_API_TOKEN}` } } });
      this.cloud = null;
    }
  }

  get baseUrl(): string {
    return this.env.JIRA_BASE_URL!.replace(/\/$/, '');
  }

  /**
   * The issues among `keys`, plus those of `fixVersions`; only those updated since `since` when
   * given. Keys Jira says it does not have are left out of the question and returned as
   * `unknownKeys`; nothing is asked when there is nothing to ask for.
   */
  async fetch(keys: string[], fixVersions: string[], since: string | null): Promise<{ tickets: TrackerTicket[]; unknownKeys: string[] }> {
    const tickets = new Map<string, TrackerTicket>();
    const unknownKeys: string[] = [];
    const updated = since ? ` AND updated >= "${jqlTime(since)}"` : '';
    for (let start = 0; start < keys.length; start += KEYS_PER_QUERY) {
      let chunk = keys.slice(start, start + KEYS_PER_QUERY);
      for (let tries = 0; chunk.length > 0 && tries < MISSING_KEY_RETRIES; tries += 1) {
        const found = await this.search(`key in (${chunk.join(',')})${updated} ORDER BY key`);
        if (found.missing.length === 0) {
          for (const issue of found.issues) tickets.set(issue.key, await this.toTicket(issue));
          break;
        }
        // Jira refuses the whole query over one key it does not have: ask again without those.
        unknownKeys.push(...found.missing);
        chunk = chunk.filter((key) => !found.missing.includes(key));
      }
    }
    if (fixVersions.length > 0) {
      const found = await this.search(`fixVersion in (${fixVersions.map((version) => JSON.stringify(version)).join(',')})${updated} ORDER BY key`);
      for (const issue of found.issues) tickets.set(issue.key, await this.toTicket(issue));
    }
    return { tickets: [...tickets.values()], unknownKeys };
  }

  /** Who gig is, to Jira: the doctor's first check. */
  async whoAmI(): Promise<string> {
    const me = (await this.call('Jira authentication', () => (this.cloud ? this.cloud.myself.getCurrentUser() : this.dataCenter!.myself.getCurrentUser()))) as { displayName?: string; emailAddress?: string };
    return me.displayName ?? me.emailAddress ?? 'unknown user';
  }

  /** One JQL query, every page; `missing` names the keys Jira refused the query over (and then there are no issues). */
  private async search(jql: string): Promise<{ issues: JiraIssue[]; missing: string[] }> {
    const fields = ['summary', 'status', 'issuetype', 'assignee', 'fixVersions', 'issuelinks', 'updated', ...(this.config.manualStepField ? [this.config.manualStepField] : [])];
    const issues: JiraIssue[] = [];
    try {
      if (this.cloud) {
        let nextPageToken: string | undefined;
        do {
          const page = (await this.call('Jira search', () =>
            this.cloud!.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql, fields, expand: 'changelog', maxResults: PAGE, ...(nextPageToken ? { nextPageToken } : {}) }),
          )) as { issues?: JiraIssue[]; nextPageToken?: string };
          issues.push(...(page.issues ?? []));
          nextPageToken = page.nextPageToken ?? undefined;
        } while (nextPageToken);
      } else {
        let startAt = 0;
        for (;;) {
          const page = (await this.call('Jira search', () => this.dataCenter!.issueSearch.searchForIssuesUsingJql({ jql, fields, expand: 'changelog', maxResults: PAGE, startAt }))) as {
            issues?: JiraIssue[];
            total?: number;
          };
          issues.push(...(page.issues ?? []));
          startAt += page.issues?.length ?? 0;
          if (!page.issues?.length || startAt >= (page.total ?? 0)) break;
        }
      }
      return { issues, missing: [] };
    } catch (error) {
      const missing = missingKeys(error);
      if (missing.length === 0) throw error;
      return { issues: [], missing };
    }
  }

  private async toTicket(issue: JiraIssue): Promise<TrackerTicket> {
    const fields = issue.fields;
    const name = (value: unknown): string | null => (value && typeof value === 'object' && 'name' in value ? String((value as { name: unknown }).name) : null);
    const histories = await this.histories(issue);
    const rejections = histories.flatMap((history) =>
      history.items
        .map((item, index) => ({ item, index }))
        .filter(({ item }) => item.field === 'status')
        .flatMap(({ item, index }) => {
          const rule = this.config.rejections.find((candidate) => same(candidate.from, item.fromString) && same(candidate.to, item.toString));
          return rule
            ? [{ stage: rule.stage, at: new Date(history.created).toISOString(), by: history.author?.displayName ?? null, reason: `${item.fromString} → ${item.toString} in Jira`, externalId: `jira:${issue.key}:${history.id}:${index}` }]
            : [];
        }),
    );
    const links = (fields.issuelinks as Array<{ type: { inward: string; outward: string }; inwardIssue?: { key: string }; outwardIssue?: { key: string } }> | undefined) ?? [];
    const needs = links.flatMap((link) => {
      if (link.inwardIssue && this.config.dependencyLinks.includes(link.type.inward.toLowerCase())) return [{ ticket: link.inwardIssue.key, link: link.type.inward }];
      if (link.outwardIssue && this.config.dependencyLinks.includes(link.type.outward.toLowerCase())) return [{ ticket: link.outwardIssue.key, link: link.type.outward }];
      return [];
    });
    const field = this.config.manualStepField ? fields[this.config.manualStepField] : null;
    return {
      key: issue.key,
      summary: String(fields.summary ?? ''),
      status: name(fields.status) ?? '',
      type: name(fields.issuetype),
      assignee: fields.assignee && typeof fields.assignee === 'object' ? String((fields.assignee as { displayName?: string }).displayName ?? '') || null : null,
      fixVersions: ((fields.fixVersions as Array<{ name: string }> | undefined) ?? []).map((version) => version.name),
      url: `${this.baseUrl}/browse/${issue.key}`,
      updatedAt: new Date(String(fields.updated ?? new Date(0).toISOString())).toISOString(),
      needs,
      rejections,
      manualSteps: plainText(field).split('\n').map((line) => line.replace(/^[-*•]\s*/, '').trim()).filter(Boolean),
    };
  }

  /** The whole changelog: the search returns at most a page of it. */
  private async histories(issue: JiraIssue): Promise<JiraHistory[]> {
    const first = issue.changelog?.histories ?? [];
    const total = issue.changelog?.total ?? first.length;
    if (first.length >= total) return first;
    const all: JiraHistory[] = [];
    for (let startAt = 0; startAt < total; startAt += PAGE) {
      const page = (await this.call('Jira changelog', () =>
        this.cloud ? this.cloud.issues.getChangeLogs({ issueIdOrKey: issue.key, startAt, maxResults: PAGE }) : this.dataCenter!.issues.getChangeLogs({ issueIdOrKey: issue.key, startAt, maxResults: PAGE }),
      )) as { values?: JiraHistory[] };
      all.push(...(page.values ?? []));
      if (!page.values?.length) break;
    }
    return all;
  }

  private call<T>(what: string, request: () => Promise<T>): Promise<T> {
    return withRetry(what, request, describeJiraError, this.retry);
  }
}

function describeJiraError(error: unknown): HttpFailure {
  const candidate = error as { status?: number; cause?: { response?: { status?: number; headers?: Record<string, string>; data?: { errorMessages?: string[] } } } };
  const status = candidate.status ?? candidate.cause?.response?.status ?? null;
  const retryAfter = candidate.cause?.response?.headers?.['retry-after'];
  return {
    status: typeof status === 'number' ? status : null,
    retryAfterSeconds: retryAfter !== undefined && Number.isFinite(Number(retryAfter)) ? Number(retryAfter) : null,
    messages: candidate.cause?.response?.data?.errorMessages ?? [],
  };
}

function missingKeys(error: unknown): string[] {
  const messages = (error as { cause?: { messages?: string[] } }).cause?.messages ?? [];
  return messages.flatMap((message) => [...message.matchAll(/issue with key '([A-Z][A-Z0-9]+-\d+)' does not exist/gi)].map((match) => match[1]!));
}

function same(expected: string, actual: string | null | undefined): boolean {
  return expected.toLowerCase() === (actual ?? '').toLowerCase();
}

/**
 * JQL wants "yyyy/MM/dd HH:mm" in the Jira user's own time zone, which gig does not know: going
 * back 26 hours covers every zone, and re-reading a day of updates costs little.
 */
function jqlTime(iso: string): string {
  const date = new Date(new Date(iso).getTime() - 26 * 3_600_000);
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${date.getUTCFullYear()}/${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

/** A text field or an Atlassian Document Format value, as plain lines. */
function plainText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') {
    const node = value as { type?: string; text?: string; content?: unknown[] };
    if (node.type === 'text') return node.text ?? '';
    const inner = (node.content ?? []).map(plainText);
    return node.type === 'paragraph' || node.type === 'listItem' ? `${inner.join('')}\n` : inner.join('');
  }
  return String(value);
}
