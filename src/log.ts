import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON log lines on stderr (pino): what a service's log collector expects. Secrets are redacted.
 * Shared by every long-running room (bot/, schedule/); loaded only by `gig serve` (through import()).
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      level,
      base: { service: 'gig' },
      redact: { paths: ['token', 'authorization', 'headers.authorization', '*.token', '*.password', '*.secret'], censor: '[redacted]' },
    },
    destination as pino.DestinationStream,
  );
}
