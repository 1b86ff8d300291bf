import type { GigError } from '../errors.js';

/** How every surface words an error: what is wrong, then what to do, never a stack trace. */
export function renderError(error: GigError): string {
  return error.hint ? `error: ${error.message}\n  → ${error.hint}` : `error: ${error.message}`;
}

export function errorJson(error: GigError): unknown {
  return { error: { code: error.code, message: error.message, hint: error.hint ?? null } };
}

/** An error as one sentence for a chat message: what is wrong, then what to do. */
export function errorSentence(error: GigError): string {
  return `${error.message} ${error.hint ?? ''}`.trim();
}
