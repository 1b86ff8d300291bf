import type { DeliveryResult, DigestOverview } from '../engine/digest.js';
import { localTime } from './cards/digest-card.js';

export function renderDigestList(digests: DigestOverview[]): string {
  if (digests.length === 0) return 'No digests configured. Add them under "digests:" (README, "Digests").';
  return digests
    .map((digest) => {
      const last = digest.last
        ? `${digest.last.status}${digest.last.late ? ' (late)' : ''} for ${localTime(digest.last.occurrence, digest.timezone)}${digest.last.attempts > 1 ? ` after ${digest.last.attempts} attempts` : ''}${digest.last.lastError ? `: ${digest.last.lastError}` : ''}`
        : 'never run';
      const missed = digest.missed.length > 0 ? [`  MISSED (never delivered): ${digest.missed.map((iso) => localTime(iso, digest.timezone)).join(', ')}`] : [];
      return [`${digest.name} → ${digest.target} (${digest.cron}, ${digest.timezone})`, `  next: ${digest.next.map((iso) => localTime(iso, digest.timezone)).join(', ')}`, `  last: ${last}`, ...missed].join('\n');
    })
    .join('\n');
}

export function renderDelivery(result: DeliveryResult): string {
  switch (result.status) {
    case 'sent':
      return `sent ${result.digest} for ${result.occurrence}${result.attempts > 1 ? ` after ${result.attempts} attempts` : ''}`;
    case 'already-claimed':
      return `${result.digest} for ${result.occurrence} is being sent by another run; --force sends it again`;
    case 'already-sent':
      return `${result.digest} for ${result.occurrence} was sent already; --force sends it again`;
    case 'missed':
      return `${result.digest} for ${result.occurrence} was never delivered and is past its grace period: missed`;
    case 'failed':
      return `could not send ${result.digest} for ${result.occurrence} after ${result.attempts} attempts: ${result.error}`;
    case 'skipped':
      return `skipped ${result.digest} for ${result.occurrence}`;
  }
}
