import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON log lines on stderr (pino): what a service's log collector expects. Secrets are redacted. */
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

/** Bolt wants its own logger interface; this one forwards to pino. */
export function boltLogger(logger: Logger): {
  debug(...msg: unknown[]): void;
  info(...msg: unknown[]): void;
  warn(...msg: unknown[]): void;
  error(...msg: unknown[]): void;
  setLevel(level: string): void;
  getLevel(): string;
  setName(name: string): void;
} {
  const text = (msg: unknown[]): string => msg.map((part) => (part instanceof Error ? part.message : typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
  const child = logger.child({ component: 'bolt' });
  return {
    debug: (...msg) => child.debug(text(msg)),
    info: (...msg) => child.info(text(msg)),
    warn: (...msg) => child.warn(text(msg)),
    error: (...msg) => child.error(text(msg)),
    setLevel: () => undefined,
    getLevel: () => child.level,
    setName: () => undefined,
  };
}
