/**
 * The one error vocabulary of gig. Every failure a user can see is a GigError with a stable code,
 * a message saying what is wrong and a hint saying what to do next. Surfaces (CLI, Slack, Teams)
 * render these; anything else is an internal error and is reported without its stack.
 */
export type GigErrorCode =
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'USAGE'
  | 'TICKET_INVALID'
  | 'NOT_FOUND'
  | 'NOT_ALLOWED'
  | 'UPSTREAM'
  | 'GIT_FAILED'
  | 'STORE_NEWER'
  | 'STORE_CORRUPT'
  | 'STORE_UNAVAILABLE'
  | 'STORE_FOREIGN'
  | 'SYNC_RUNNING'
  | 'INTERNAL';

/** Process exit codes by error code: 2 for what the caller must correct, 3 for "nothing found". */
const EXIT_CODES: Record<GigErrorCode, number> = {
  CONFIG_NOT_FOUND: 2,
  CONFIG_INVALID: 2,
  USAGE: 2,
  TICKET_INVALID: 2,
  NOT_FOUND: 3,
  NOT_ALLOWED: 4,
  UPSTREAM: 5,
  GIT_FAILED: 5,
  STORE_NEWER: 6,
  STORE_CORRUPT: 6,
  STORE_UNAVAILABLE: 6,
  STORE_FOREIGN: 6,
  SYNC_RUNNING: 7,
  INTERNAL: 1,
};

export class GigError extends Error {
  readonly code: GigErrorCode;
  readonly hint: string | undefined;

  constructor(code: GigErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GigError';
    this.code = code;
    this.hint = options.hint;
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

export class ConfigError extends GigError {
  constructor(message: string, hint?: string, code: 'CONFIG_INVALID' | 'CONFIG_NOT_FOUND' = 'CONFIG_INVALID') {
    super(code, message, hint === undefined ? {} : { hint });
    this.name = 'ConfigError';
  }
}

export class NotFoundError extends GigError {
  constructor(message: string, hint?: string) {
    super('NOT_FOUND', message, hint === undefined ? {} : { hint });
    this.name = 'NotFoundError';
  }
}

export class NotAllowedError extends GigError {
  constructor(message: string, hint?: string) {
    super('NOT_ALLOWED', message, hint === undefined ? {} : { hint });
    this.name = 'NotAllowedError';
  }
}

export class UpstreamError extends GigError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('UPSTREAM', message, options);
    this.name = 'UpstreamError';
  }
}

/** Wraps anything thrown into a GigError so surfaces never show a raw exception or stack. */
export function toGigError(error: unknown): GigError {
  if (error instanceof GigError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new GigError('INTERNAL', `gig hit an unexpected problem: ${detail}`, {
    hint: 'Run the command again with GIG_DEBUG=1 to see the details, and report it if it persists.',
    cause: error,
  });
}
