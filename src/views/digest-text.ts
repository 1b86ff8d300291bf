import type { DeliveryResult, DigestOverview } from '../engine/digest.js';
import { localTime } from './cards/digest-card.js';

export function renderDigestList(digests: DigestOverview[]): string {
  if (digests.length === 0) return 'No digests configured. Add them under "digests:" (README, "Digests").';
  return digests
    .map((digest) => {
      const last = digest.last
        ? `${digest.last.status}${digest.last.late ? ' (late)' : ''} for ${localTime(digest.last.occurrence, digest.timezone)}${digest.last.attempts > 1 ? ` after ${digest.last.attempts} attempts` : ''}${digest.last.lastError ? `: ${digest.last.lastError}` : ''}`
        : 'never run';
      return [`${digest.name} → ${digest.target} (${digest.cron}, ${digest.timezone})`, `  next: ${digest.next.map((iso) => localTime(iso, digest.timezone)).join(', ')}`, `  last: ${last}`].join('\n');
    })
    .join('\n');
}

export function renderDelivery(result: DeliveryResult): string {
  switch (result.status) {
    case 'sent':
      return `sent ${result.digest} for ${result.occurrence}${result.attempts > 1 ? ` after ${result.attempts} attempts` : ''}`;
    case 'already-claimed':
      return `${result.digest} for ${result.occurrence} was already sent or is being sent; --force sends it again`;
    case 'failed':
      return `could not send ${result.digest} for ${result.occurrence} after ${result.attempts} attempts: ${result.error}`;
    case 'skipped':
      return `skipped ${result.digest} for ${result.occurrence}`;
  }
}
