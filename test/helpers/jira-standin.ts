import { createServer, type Server } from 'node:http';
import { failureControls, listenOnLoopback, type FailureControls } from './standin.js';

/**
 * A local stand-in for Jira Cloud's REST API, answering the real jira.js client with
 * recorded-shape JSON: the enhanced JQL search paged by nextPageToken, changelogs and /myself.
 */
export interface JiraIssueFixture {
  key: string;
  summary: string;
  status: string;
  fixVersions?: string[];
  links?: Array<{ type: { name: string; inward: string; outward: string }; inwardIssue?: { key: string }; outwardIssue?: { key: string } }>;
  histories?: Array<{ id: string; created: string; author: string; from: string; to: string }>;
  manualSteps?: string;
  updated?: string;
}

export interface JiraStandIn extends FailureControls {
  url: string;
  issues: Map<string, JiraIssueFixture>;
  requests: Array<{ path: string; query: URLSearchParams; authorization: string | undefined }>;
  close(): Promise<void>;
}

export async function startJiraStandIn(pageSize = 2): Promise<JiraStandIn> {
  const issues = new Map<string, JiraIssueFixture>();
  const requests: JiraStandIn['requests'] = [];
  const controls = failureControls();
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push({ path: url.pathname, query: url.searchParams, authorization: request.headers.authorization });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    const failure = controls.takeFailure();
    if (failure) return send(failure.status, { errorMessages: ['try later'] }, failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {});
    if (controls.down) return send(503, { errorMessages: ['Jira is down'] });
    if (url.pathname === '/rest/api/3/myself' || url.pathname === '/rest/api/2/myself') return send(200, { accountId: 'gig', displayName: 'gig bot' });
    if (url.pathname === '/rest/api/2/search') {
      // Data Center: the classic search, paged by startAt.
      const jql = url.searchParams.get('jql') ?? '';
      const keys = /key in \(([^)]*)\)/.exec(jql)?.[1]?.split(',').map((key) => key.trim()).filter(Boolean) ?? [];
      const matching = [...issues.values()].filter((issue) => keys.includes(issue.key));
      const startAt = Number(url.searchParams.get('startAt') ?? '0');
      return send(200, { startAt, maxResults: pageSize, total: matching.length, issues: matching.slice(startAt, startAt + pageSize).map(shape) });
    }
    if (url.pathname === '/rest/api/3/search/jql') {
      const jql = url.searchParams.get('jql') ?? '';
      // Like Jira, an empty list is a syntax error, not an empty answer.
      if (/in \(\s*\)/.test(jql)) return send(400, { errorMessages: ["Error in the JQL Query: Expecting either a value, list or function but got ')'."] });
      const keys = /key in \(([^)]*)\)/.exec(jql)?.[1]?.split(',').map((key) => key.trim()).filter(Boolean) ?? [];
      const versions = [...(/fixVersion in \(([^)]*)\)/.exec(jql)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((match) => match[1]!);
      const unknown = keys.filter((key) => !issues.has(key));
      if (unknown.length > 0) return send(400, { errorMessages: unknown.map((key) => `An issue with key '${key}' does not exist for field 'key'.`) });
      // `updated >= "yyyy/MM/dd HH:mm"` (UTC here): the incremental filter gig sends after the first read.
      const since = /updated >= "(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2})"/.exec(jql);
      const sinceMs = since ? Date.UTC(Number(since[1]), Number(since[2]) - 1, Number(since[3]), Number(since[4]), Number(since[5])) : null;
      const matching = [...issues.values()]
        .filter((issue) => keys.includes(issue.key) || (issue.fixVersions ?? []).some((version) => versions.includes(version)))
        .filter((issue) => sinceMs === null || Date.parse(issue.updated ?? '2026-01-01T00:00:00Z') >= sinceMs);
      const start = Number(url.searchParams.get('nextPageToken') ?? '0');
      const page = matching.slice(start, start + pageSize);
      const next = start + pageSize < matching.length ? String(start + pageSize) : undefined;
      return send(200, { issues: page.map(shape), ...(next ? { nextPageToken: next } : {}), isLast: next === undefined });
    }
    return send(404, { errorMessages: [`no route ${url.pathname}`] });
  });
  const listening = await listenOnLoopback(server);
  return Object.assign(controls, {
    url: listening.url,
    issues,
    requests,
    close: listening.close,
  });
}

function shape(issue: JiraIssueFixture): unknown {
  const histories = (issue.histories ?? []).map((history) => ({
    id: history.id,
    created: history.created,
    author: { displayName: history.author },
    items: [{ field: 'status', fieldtype: 'jira', fromString: history.from, toString: history.to }],
  }));
  return {
    id: issue.key.replace(/\D/g, ''),
    key: issue.key,
    fields: {
      summary: issue.summary,
      status: { name: issue.status },
      issuetype: { name: 'Story' },
      assignee: { displayName: 'Ana Lima' },
      fixVersions: (issue.fixVersions ?? []).map((name) => ({ name })),
      issuelinks: issue.links ?? [],
      updated: issue.updated ?? '2026-11-20T10:00:00.000+0000',
      customfield_10042: issue.manualSteps ?? null,
    },
    changelog: { startAt: 0, maxResults: histories.length, total: histories.length, histories },
  };
}
