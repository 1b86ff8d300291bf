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
  | 'FILE_UNAVAILABLE'
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
  FILE_UNAVAILABLE: 2,
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

/**
 * Wraps anything thrown into a GigError so surfaces never show a raw exception or stack. Problems
 * of the machine gig runs on (a file that cannot be read or written, a database that is locked,
 * read-only or damaged) get their own codes and say what to check; anything else is a bug.
 */
export function toGigError(error: unknown): GigError {
  if (error instanceof GigError) return error;
  return fileError(error) ?? storeError(error) ?? internalError(error);
}

function internalError(error: unknown): GigError {
  const detail = error instanceof Error ? error.message : String(error);
  return new GigError('INTERNAL', `gig hit an unexpected problem: ${detail}`, {
    hint: 'Run the command again with GIG_DEBUG=1 to see the details, and report it if it persists.',
    cause: error,
  });
}

const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'does not exist (or its folder does not)',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'goes through something that is not a folder',
  EACCES: 'may not be read or written by this user',
  EPERM: 'may not be read or written by this user',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'cannot be written: the disk is full',
  EEXIST: 'is in the way: something else already has that name',
};

/** An error of the file system naming a path: what is wrong with that path. */
function fileError(error: unknown): GigError | null {
  const candidate = error as NodeJS.ErrnoException;
  const problem = candidate?.code ? FILE_PROBLEMS[candidate.code] : undefined;
  if (!problem || typeof candidate.path !== 'string') return null;
  return new GigError('FILE_UNAVAILABLE', `${candidate.path} ${problem}.`, { hint: 'Check the path given on the command line or in the configuration, and its permissions.', cause: error });
}

/** better-sqlite3 reports SQLite's own result codes (SQLITE_BUSY, …) on its errors. */
function storeError(error: unknown): GigError | null {
  const code = String((error as { code?: unknown })?.code ?? '');
  if (!code.startsWith('SQLITE_')) return null;
  const message = (error as Error).message;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new GigError('STORE_UNAVAILABLE', `The database is locked by another process: ${message}`, {
      hint: 'Another gig (a sync, gig serve) or a tool holding the file is writing; try again when it is done.',
      cause: error,
    });
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_FULL') || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_PERM')) {
    return new GigError('STORE_UNAVAILABLE', `The database cannot be written here: ${message}`, {
      hint: 'Point --db (or GIG_DB) at a file this user may write, on a disk with room.',
      cause: error,
    });
  }
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB') || /no such (table|column)/.test(message)) {
    return new GigError('STORE_CORRUPT', `The database is damaged or incomplete: ${message}`, {
      hint: 'Restore it from a backup, or move it aside and run `gig sync` to rebuild the index (the approval ledger is in that file: keep it).',
      cause: error,
    });
  }
  return null;
}
