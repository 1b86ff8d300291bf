import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CommandContext } from './context.js';

/**
 * Links to a release's Markdown packet, for cards too long for a chat message. A link is signed
 * with a key kept in the ledger, so it works across restarts and cannot be guessed for another
 * release.
 */
/** The key of each ledger, read once per process: it is created once and never changes. */
const keys = new WeakMap<CommandContext['ledger'], Promise<string>>();

function keyOf(context: CommandContext): Promise<string> {
  let key = keys.get(context.ledger);
  if (!key) {
    key = context.ledger.setting('packet-link-key', () => randomBytes(32).toString('hex'));
    // A failed read is not remembered: the next link asks again.
    key.catch(() => keys.delete(context.ledger));
    keys.set(context.ledger, key);
  }
  return key;
}

async function signature(context: CommandContext, releaseId: string): Promise<string> {
  const key = await keyOf(context);
  return createHmac('sha256', key).update(releaseId).digest('hex').slice(0, 32);
}

export async function packetLink(context: CommandContext, baseUrl: string, releaseId: string): Promise<string> {
  return `${baseUrl.replace(/\/$/, '')}/packets/${encodeURIComponent(releaseId)}.md?sig=${await signature(context, releaseId)}`;
}

export async function verifyPacketLink(context: CommandContext, releaseId: string, given: string): Promise<boolean> {
  const expected = Buffer.from(await signature(context, releaseId));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
