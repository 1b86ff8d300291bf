import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CommandContext } from './context.js';

/**
 * Links to a release's Markdown packet, for cards too long for a chat message. A link is signed
 * with a key kept in the ledger, so it works across restarts and cannot be guessed for another
 * release.
 */
async function signature(context: CommandContext, releaseId: string): Promise<string> {
  const key = await context.ledger.setting('packet-link-key', () => randomBytes(32).toString('hex'));
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
