import querystring from 'node:querystring';
import { z } from 'zod';

/** What gig listens to on Slack (handlers.ts registers exactly these). */
export interface SlackRoutes {
  command: string;
  actions: readonly string[];
  views: readonly string[];
  /** Events API types gig acts on: app_mention (@gig in a channel), message (a DM to gig). */
  events: readonly string[];
}

/**
 * What to do with a signed request body:
 * - `dispatch`: hand Bolt this body, rebuilt from the validated fields only;
 * - `answer`: answer 200 without acting (Slack's checks, and requests gig does not listen to);
 * - `malformed`: refuse with 400.
 */
export type SlackRequest =
  | { kind: 'dispatch'; contentType: 'application/x-www-form-urlencoded' | 'application/json'; body: string }
  | { kind: 'answer'; json?: Record<string, unknown> }
  | { kind: 'malformed'; problem: string };

const FORM = 'application/x-www-form-urlencoded';
const id = z.string().min(1).max(255);
const responseUrl = z.url({ protocol: /^https?$/ });
const team = z.object({ id: z.string(), enterprise_id: z.string().optional() }).nullish();
const user = z.object({ id, team_id: z.string().optional() });

/** A slash command's form fields, as Slack sends them (only those gig reads are kept). */
const slashCommand = z.object({
  command: z.string(),
  text: z.string().max(40_000).default(''),
  user_id: id,
  user_name: z.string().optional(),
  channel_id: id,
  channel_name: z.string().optional(),
  team_id: z.string().optional(),
  enterprise_id: z.string().optional(),
  api_app_id: z.string().optional(),
  response_url: responseUrl,
  trigger_id: z.string().optional(),
});

const blockActions = z.object({
  type: z.literal('block_actions'),
  user,
  team,
  api_app_id: z.string().optional(),
  trigger_id: z.string().optional(),
  response_url: responseUrl,
  container: z.object({ type: z.string().optional(), channel_id: z.string().optional(), message_ts: z.string().optional() }).optional(),
  channel: z.object({ id: z.string() }).optional(),
  message: z.object({ ts: z.string() }).optional(),
  actions: z
    .array(z.object({ type: z.string().optional(), action_id: z.string(), block_id: z.string().optional(), value: z.string().max(8_000).optional(), action_ts: z.string().optional() }))
    .min(1)
    .max(25),
});

const viewSubmission = z.object({
  type: z.literal('view_submission'),
  user,
  team,
  api_app_id: z.string().optional(),
  trigger_id: z.string().optional(),
  view: z.object({
    id: z.string().optional(),
    type: z.string().optional(),
    app_installed_team_id: z.string().optional(),
    callback_id: z.string(),
    private_metadata: z.string().max(3_000).default(''),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ type: z.string().optional(), value: z.string().nullish() }))) }),
  }),
});

/**
 * An Events API callback, with the event fields gig reads. A message written by a bot (gig's own
 * answers in a DM included) or edited, deleted or joined (any subtype) is not a question to gig.
 */
const eventCallback = z.object({
  type: z.literal('event_callback'),
  team_id: z.string().optional(),
  api_app_id: z.string().optional(),
  event_id: z.string().optional(),
  event_time: z.number().optional(),
  event: z.object({
    type: z.string(),
    user: id.optional(),
    text: z.string().max(40_000).default(''),
    channel: id.optional(),
    channel_type: z.string().optional(),
    ts: z.string().optional(),
    thread_ts: z.string().optional(),
    bot_id: z.string().optional(),
    subtype: z.string().optional(),
    /** app_home_opened: which tab of the app the person opened. */
    tab: z.string().optional(),
  }),
});

function problemOf(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.map(String).join('.') || 'the payload'}: ${issue.message}`;
}

function definedOnly(fields: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/**
 * Reads a signed Slack request body. Bolt only ever sees bodies of the shapes gig's handlers
 * read, rebuilt from validated fields, so a signed but malformed payload is a 400 here instead of
 * a TypeError (a 500) inside a handler, and a payload gig has no listener for is answered at once
 * instead of after Bolt's 3-second "not acknowledged" timeout.
 */
export function readSlackRequest(raw: string, contentType: string | undefined, routes: SlackRoutes): SlackRequest {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === FORM) return readForm(querystring.parse(raw), routes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { kind: 'malformed', problem: 'the body is neither a form nor JSON' };
  }
  // Events API bodies: the URL check, and the events gig listens to (a person's words only).
  const body = asObject(parsed);
  if (!body || typeof body.type !== 'string') return { kind: 'malformed', problem: 'the body is not a JSON object with a "type"' };
  if (body.type === 'url_verification') {
    return typeof body.challenge === 'string' ? { kind: 'answer', json: { challenge: body.challenge } } : { kind: 'malformed', problem: 'challenge: is required' };
  }
  if (body.type !== 'event_callback') return { kind: 'answer' };
  const callback = eventCallback.safeParse(body);
  if (!callback.success) return { kind: 'malformed', problem: problemOf(callback.error) };
  const event = callback.data.event;
  const fromAPerson = event.user !== undefined && event.channel !== undefined && event.bot_id === undefined && event.subtype === undefined;
  const listened =
    routes.events.includes(event.type) && (event.type !== 'message' || event.channel_type === 'im') && (event.type !== 'app_home_opened' || event.tab === 'home');
  return fromAPerson && listened ? { kind: 'dispatch', contentType: 'application/json', body: JSON.stringify(callback.data) } : { kind: 'answer' };
}

function readForm(form: querystring.ParsedUrlQuery, routes: SlackRoutes): SlackRequest {
  if (form.payload !== undefined) {
    if (typeof form.payload !== 'string') return { kind: 'malformed', problem: 'payload: is given more than once' };
    let payload: unknown;
    try {
      payload = JSON.parse(form.payload);
    } catch {
      return { kind: 'malformed', problem: 'payload: is not JSON' };
    }
    return readInteraction(payload, routes);
  }
  if (form.ssl_check !== undefined) return { kind: 'answer' };
  if (form.command === undefined) return { kind: 'malformed', problem: 'the form is neither a slash command nor an interaction payload' };
  if (form.command !== routes.command) return typeof form.command === 'string' ? { kind: 'answer' } : { kind: 'malformed', problem: 'command: is given more than once' };
  const command = slashCommand.safeParse(form);
  if (!command.success) return { kind: 'malformed', problem: problemOf(command.error) };
  return { kind: 'dispatch', contentType: FORM, body: querystring.stringify(definedOnly(command.data)) };
}

function readInteraction(payload: unknown, routes: SlackRoutes): SlackRequest {
  const body = asObject(payload);
  if (!body || typeof body.type !== 'string') return { kind: 'malformed', problem: 'payload: is not a JSON object with a "type"' };
  const dispatch = (data: unknown): SlackRequest => ({ kind: 'dispatch', contentType: FORM, body: querystring.stringify({ payload: JSON.stringify(data) }) });
  if (body.type === 'block_actions') {
    const actions = blockActions.safeParse(body);
    if (!actions.success) return { kind: 'malformed', problem: problemOf(actions.error) };
    // Bolt dispatches the first action of a payload only.
    return routes.actions.includes(actions.data.actions[0]!.action_id) ? dispatch(actions.data) : { kind: 'answer' };
  }
  if (body.type === 'view_submission') {
    const view = viewSubmission.safeParse(body);
    if (!view.success) return { kind: 'malformed', problem: problemOf(view.error) };
    return routes.views.includes(view.data.view.callback_id) ? dispatch(view.data) : { kind: 'answer' };
  }
  // Shortcuts, closed modals, option requests…: nothing gig listens to.
  return { kind: 'answer' };
}
