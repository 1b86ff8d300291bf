import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRelease } from '../../src/commands/release.js';
import { startSlackBot, type SlackBot } from '../helpers/slack-bot.js';
import { FORM, leakIn, postSigned, sign, slashCommand } from './support/http.js';

/**
 * Issue #11, "done means": fuzzed slash-command texts, signed interaction payloads and deployment
 * hook bodies thrown at a running server give no 5xx, no answer with a stack frame or a server
 * path, and leave the server healthy. Kept to a few hundred requests so the file runs in seconds;
 * a failure prints fast-check's seed and the shrunk request to replay it.
 */

let bot: SlackBot;
let releaseValue: string;
beforeAll(async () => {
  bot = await startSlackBot();
  releaseValue = JSON.stringify({ release: 'R-FUZZ', hash: (await runRelease(bot.app.context, { id: 'R-FUZZ', from: 'qa', to: 'uat', tickets: ['PAY-11'] })).manifest.hash });
});
afterAll(async () => bot.stop());

const SECRET = 'hook-secret-0123456789';
const respondUrl = (): string => `${bot.slack.url}/respond/fuzz`;

/** An answer that a client may see: any status but a 5xx, and nothing that reads like a stack or a path. */
async function expectClean(response: Response, allowed: number[]): Promise<void> {
  const text = await response.text();
  expect(allowed, `status ${response.status}: ${text.slice(0, 300)}`).toContain(response.status);
  expect(leakIn(text), text.slice(0, 300)).toBeNull();
  if (response.status >= 400) expect(JSON.parse(text)).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
}

async function expectHealthy(): Promise<void> {
  const response = await fetch(`${bot.server.url}/healthz`);
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ ok: true });
}

/** Nothing gig posted to Slack (answers, card updates, ephemerals) carries a stack or a path either. */
function expectCleanPosts(): void {
  for (const call of bot.slack.calls) expect(leakIn(JSON.stringify(call.body)), call.method).toBeNull();
}

// Slack markup, terminal escapes, bidi overrides, quotes the grammar groups by, ticket-like words.
const tricky = fc.constantFrom(
  '<!channel>', '<!here|here>', '<!everyone>', '<https://evil.example|this>', '<@U0BEN>', '<#C0RELEASE|release>', '*bold*', '_it_', '`code`', '```',
  '&amp;', '&lt;', '\u0000', '\u0007', '\u001b]0;owned\u0007', '\u001b[31m', '\u001b]8;;https://evil.example\u0007x\u001b]8;;\u0007', '\u202e', '\r\n', '\t',
  '"', '“', '”', "'", '"unterminated', 'PAY-7', 'PAY-10', 'pay-11', 'ABC-1', 'PAY-99999999999999999999', 'qa', 'uat', 'prod', 'to', '--to', 'add', 'done', 'reopen', 'R-FUZZ', '..', '../../etc/passwd', 'm000000',
);
const word = fc.oneof(tricky, fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'binary-ascii', maxLength: 12 }));
const verbs = ['help', '?', 'status', 'check', 'since', 'deps', 'release', 'manual', 'reject', 'digest', 'STATUS', 'Reject', 'deploy', ''];
const commandText = fc
  .oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...verbs), fc.array(word, { maxLength: 6 })).map(([verb, args]) => [verb, ...args].join(' ')) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 3000, maxLength: 6000 }).map((text) => `reject PAY-7 qa ${text}`) },
  )
  // sync runs a real sync of five repositories: correct, but slow to repeat dozens of times.
  .filter((text) => !/^\s*sync\b/i.test(text));

describe('fuzzed slash commands', () => {
  it('answer 200 and post no stack or path, whatever the text', async () => {
    await fc.assert(
      fc.asyncProperty(commandText, fc.constantFrom('U0BEN', 'U0CARL', 'U0NOBODY'), async (text, user) => {
        await expectClean(await postSigned(bot.server.url, sign(slashCommand(text, respondUrl(), user))), [200]);
      }),
      { numRuns: 100 },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expectCleanPosts();
    await expectHealthy();
  });
});

const actionId = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('gig.release.approve', 'gig.release.flag', 'gig.manual.done') }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) });
// Read when a value is generated: the release is defined in beforeAll, after this module loaded.
const currentRelease = fc.constant(null).map(() => releaseValue);
const actionValue = fc.oneof(
  currentRelease,
  fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.record({ ticket: fc.constantFrom('PAY-7', 'PAY-10', 'nope', ''), step: fc.string({ maxLength: 10 }), to: fc.constantFrom('uat', 'qa', null, 'nowhere') }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
);
/** Payloads of the shapes gig reads (a click, a flag submission), then 0–2 fields dropped or replaced by anything. */
const user = fc.record({ id: fc.constantFrom('U0BEN', 'U0CARL', 'U0ANA', 'U0NOBODY') });
const click = fc.record({
  type: fc.constant('block_actions'),
  user,
  team: fc.constant({ id: 'T1' }),
  // Only the stand-in: gig must never be made to call out to the internet from a test.
  response_url: fc.constant('RESPOND'),
  trigger_id: fc.string({ maxLength: 10 }),
  container: fc.constant({ type: 'message', channel_id: 'C0RELEASE', message_ts: '1700000000.000100' }),
  actions: fc.array(fc.record({ type: fc.constant('button'), action_id: actionId, value: actionValue }), { minLength: 1, maxLength: 2 }),
});
const flagSubmission = fc.record({
  type: fc.constant('view_submission'),
  user,
  team: fc.constant({ id: 'T1' }),
  view: fc.record({
    callback_id: fc.oneof({ weight: 3, arbitrary: fc.constant('gig.release.flag.modal') }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }),
    private_metadata: fc.oneof(
      currentRelease.map((value) => JSON.stringify({ value, channel: 'C0RELEASE', ts: '1700000000.000100' })),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
    ),
    state: fc.record({ values: fc.record({ reason: fc.record({ reason: fc.record({ value: fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), tricky, fc.constant(null)) }) }) }) }),
  }),
});
const mutation = fc.tuple(
  fc.constantFrom('type', 'user', 'team', 'response_url', 'actions', 'view', 'container', 'event', 'name', 'trigger_id'),
  fc.oneof(fc.constant(undefined), fc.anything({ maxDepth: 2 })),
);
const nearPayload = fc.tuple(fc.oneof(click, flagSubmission), fc.array(mutation, { maxLength: 2 })).map(([base, mutations]) => {
  const payload: Record<string, unknown> = { ...base };
  for (const [key, value] of mutations) {
    if (value === undefined) delete payload[key];
    else payload[key] = value;
  }
  return payload;
});
const interactionBody = fc.oneof(
  { weight: 8, arbitrary: nearPayload.map((payload) => `payload=${encodeURIComponent(JSON.stringify(payload).replaceAll('"RESPOND"', JSON.stringify(`${bot.slack.url}/respond/fuzz`)))}`) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => `payload=${encodeURIComponent(JSON.stringify(value))}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((text) => `payload=${encodeURIComponent(text)}`) },
  { weight: 2, arbitrary: fc.dictionary(fc.constantFrom('payload', 'command', 'text', 'user_id', 'channel_id', 'response_url', 'ssl_check', 'event', 'x'), fc.string({ unit: 'binary', maxLength: 20 })).map((form) => new URLSearchParams(form).toString()) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
);

describe('fuzzed signed interaction payloads', () => {
  it('answer 200 or a JSON 400, never a 5xx or a stack', async () => {
    const reached = (): number => bot.slack.calls.filter((call) => ['/respond', 'views.open', 'chat.update', 'chat.postEphemeral'].includes(call.method)).length;
    const before = reached();
    await fc.assert(
      fc.asyncProperty(interactionBody, fc.constantFrom(FORM, 'application/json', 'text/plain', `${FORM}; charset=utf-8`), async (body, contentType) => {
        await expectClean(await postSigned(bot.server.url, sign(body), { contentType }), [200, 400]);
      }),
      { numRuns: 300 },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The generator is near enough to real payloads that many get past the gate into the handlers.
    expect(reached() - before).toBeGreaterThan(10);
    expectCleanPosts();
    await expectHealthy();
  });
});

const sha = fc.oneof(fc.constantFrom('abcdef1', 'ABCDEF1234', 'zzzzzzz', ''), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 7, maxLength: 40 }));
const report = fc.record(
  {
    repository: fc.oneof(fc.constantFrom('api', 'db', 'nope', ''), fc.anything({ maxDepth: 2 })),
    environment: fc.oneof(fc.constantFrom('uat', 'qa', 'prod', 'nowhere'), fc.anything({ maxDepth: 2 })),
    sha: fc.oneof(sha, fc.anything({ maxDepth: 2 })),
    at: fc.oneof(fc.constantFrom('2026-11-20T16:00:00Z', '2026-11-20', 'yesterday', '2026-13-45T99:00:00+25:00'), fc.anything({ maxDepth: 1 })),
    by: fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.anything({ maxDepth: 1 })),
  },
  { requiredKeys: [] },
);
const hookBody = fc.oneof(
  { weight: 5, arbitrary: report.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.constantFrom('null', '[]', '{}', '""', '0', 'true', '{"repository":', '\u0000', '') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
  { weight: 1, arbitrary: fc.integer({ min: 64 * 1024, max: 80 * 1024 }).map((size) => JSON.stringify({ repository: 'api', environment: 'uat', sha: 'abcdef1', by: 'x'.repeat(size) })) },
);

describe('fuzzed deployment hook bodies', () => {
  it('answer 201 or a JSON 4xx, with the right secret or without', async () => {
    await fc.assert(
      fc.asyncProperty(
        hookBody,
        fc.oneof({ weight: 4, arbitrary: fc.constant(`Bearer ${SECRET}`) }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 30 }) }, { weight: 1, arbitrary: fc.constant(null) }),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', null),
        async (body, authorization, contentType) => {
          const response = await fetch(`${bot.server.url}/hooks/deployments`, {
            method: 'POST',
            headers: { ...(contentType === null ? {} : { 'content-type': contentType }), ...(authorization === null ? {} : { authorization }) },
            body,
          });
          await expectClean(response, authorization === `Bearer ${SECRET}` ? [201, 400, 413] : [401]);
        },
      ),
      { numRuns: 300 },
    );
    await expectHealthy();
  });
});
