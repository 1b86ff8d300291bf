import { readFileSync, writeFileSync } from 'node:fs';
import { GigError } from '../errors.js';

/**
 * Files named on the command line (--tickets-file, --out): a wrong path is the caller's to fix, so
 * it is told as such — which file, what is wrong with it — not as an unexpected problem.
 */
export function readUserFile(file: string, option: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw userFileError(file, option, 'read', error);
  }
}

export function writeUserFile(file: string, option: string, content: string): void {
  try {
    writeFileSync(file, content);
  } catch (error) {
    throw userFileError(file, option, 'write', error);
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'it, or its folder, does not exist',
  EISDIR: 'it is a folder',
  ENOTDIR: 'part of its path is not a folder',
  EACCES: 'this user may not',
  EPERM: 'this user may not',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
};

function userFileError(file: string, option: string, verb: string, error: unknown): GigError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return new GigError('FILE_UNAVAILABLE', `Cannot ${verb} ${file} (${option}): ${REASONS[code] ?? (error as Error).message}.`, {
    hint: `Give ${option} a path to a file ${verb === 'read' ? 'that exists' : 'in a folder that exists'}.`,
    cause: error,
  });
}
