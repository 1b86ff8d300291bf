import { z } from 'zod';

const account = z.looseObject({ id: z.string().min(1) });

/** The fields of an Adaptive Card action gig reads (Action.Execute data, or an Action.Submit value). */
const cardData = z.looseObject({ value: z.string().optional(), reason: z.string().optional() });

/**
 * The part of a Bot Framework activity that gig and botbuilder read without checking. Other fields
 * pass through untouched (botbuilder needs them); these must have the right types, so a
 * well-authenticated but malformed activity is refused with 400 instead of failing inside a turn.
 */
const activity = z.looseObject({
  type: z.string().min(1),
  id: z.string().optional(),
  name: z.string().optional(),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  channelId: z.string().min(1),
  from: account,
  recipient: account,
  conversation: z.looseObject({ id: z.string().min(1), tenantId: z.string().optional() }),
  text: z.string().optional(),
  replyToId: z.string().optional(),
  entities: z.array(z.looseObject({ type: z.string(), mentioned: account.optional(), text: z.string().optional() })).optional(),
  channelData: z.looseObject({ tenant: z.looseObject({ id: z.string() }).optional() }).optional(),
  value: z.unknown().optional(),
});

const cardAction = z.looseObject({ action: z.looseObject({ type: z.string(), verb: z.string(), data: cardData.optional() }) });
const submitValue = cardData.extend({ gigAction: z.string().optional() });

export type TeamsActivityCheck = { ok: true; id: string | null; conversation: string; invoke: boolean } | { ok: false; problem: string };

/** Checks an activity's shape; on success says what the replay guard keys it by. */
export function checkActivity(body: unknown): TeamsActivityCheck {
  const parsed = activity.safeParse(body, { reportInput: true });
  if (!parsed.success) return { ok: false, problem: problemOf(parsed.error) };
  const data = parsed.data;
  const value = data.type === 'invoke' && data.name === 'adaptiveCard/action' ? cardAction.safeParse(data.value, { reportInput: true }) : isObject(data.value) ? submitValue.safeParse(data.value, { reportInput: true }) : null;
  if (value && !value.success) return { ok: false, problem: problemOf(value.error, 'value') };
  return { ok: true, id: data.id ?? null, conversation: data.conversation.id, invoke: data.type === 'invoke' };
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function problemOf(error: z.ZodError, prefix?: string): string {
  const issue = error.issues[0]!;
  const key = [...(prefix ? [prefix] : []), ...issue.path.map(String)].join('.') || 'the activity';
  const required = issue.code === 'invalid_type' && issue.input === undefined && key !== 'the activity';
  return `${key}: ${required ? 'is required' : issue.message}`;
}
