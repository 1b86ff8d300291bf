import type { Logger } from '../../log.js';

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
