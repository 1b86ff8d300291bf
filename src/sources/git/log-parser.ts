/**
 * A streaming parser for `git log` output in the format below. Records start with RS (0x1e), fields
 * are separated by US (0x1f); the message is the last field, so what follows it is the --raw and
 * --numstat block, NUL-separated (-z: no path quoting, renames as two paths). Records are handed on
 * as soon as the next one starts, so memory stays flat however long the history is.
 */
import type { CommitHeader } from '../../engine/model.js';

// Dates as seconds since the epoch (%at, %ct): turning a number into ISO UTC is cheaper than parsing ISO with an offset.
export const LOG_FORMAT = '--format=%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%at%x1f%cn%x1f%ce%x1f%ct%x1f%B%x1f';
// -M: a renamed file is one change of a few lines, not a deletion and an addition of all of it.
// No --numstat: counting lines means diffing every blob of history; gig counts them only for the
// commits a promotion can carry (GitRepository.diffs).
export const LOG_DIFF_ARGS = ['--raw', '--no-abbrev', '-z', '--find-renames', '--no-ext-diff', '--no-textconv'];

export interface LoggedCommit extends CommitHeader {
  message: string;
  files: LoggedFile[];
}

export interface LoggedFile {
  path: string;
  additions: number | null;
  deletions: number | null;
  /** The file's blob after the commit; null when the commit deleted it. */
  blob: string | null;
  /** The path the file had before, when the commit renamed it. */
  renamedFrom: string | null;
}

const RS = '\x1e';
const US = '\x1f';
const FIELD_COUNT = 9;

export class LogParser {
  private buffer = '';

  constructor(private readonly onCommit: (commit: LoggedCommit) => void) {}

  push(chunk: string): void {
    // Look for the next record only in what arrived: rescanning a huge record (a commit touching
    // thousands of files) from its start on every chunk would make reading it quadratic.
    let from = Math.max(1, this.buffer.length);
    this.buffer += chunk;
    let end = this.buffer.indexOf(RS, from);
    while (end !== -1) {
      this.emit(this.buffer.slice(0, end));
      this.buffer = this.buffer.slice(end);
      from = 1;
      end = this.buffer.indexOf(RS, from);
    }
  }

  end(): void {
    if (this.buffer.length > 0) this.emit(this.buffer);
    this.buffer = '';
  }

  private emit(record: string): void {
    if (!record.startsWith(RS)) return;
    const fields = record.slice(1).split(US);
    if (fields.length < FIELD_COUNT + 1) throw new Error(`unexpected git log record: ${record.slice(0, 80)}`);
    const [sha, parents, authorName, authorEmail, authoredAt, committerName, committerEmail, committedAt, message] = fields;
    const stats = fields.slice(FIELD_COUNT).join(US);
    this.onCommit({
      sha: sha!,
      parents: parents === '' ? [] : parents!.split(' '),
      authorName: authorName!,
      authorEmail: authorEmail!,
      authoredAt: toUtc(authoredAt!),
      committerName: committerName!,
      committerEmail: committerEmail!,
      committedAt: toUtc(committedAt!),
      message: message!.replace(/\n+$/, ''),
      files: parseFileStats(stats),
    });
  }
}

function toUtc(epochSeconds: string): string {
  return new Date(Number(epochSeconds) * 1000).toISOString();
}

const NULL_BLOB = /^0+$/;
const RAW_HEADER = /^:\d+ \d+ [0-9a-f]+ ([0-9a-f]+) ([A-Z])\d*$/;
const NUMSTAT = /^(\d+|-)\t(\d+|-)\t(.*)$/s;

/**
 * Reads the -z --raw entries (blob after the change; `R`/`C` entries carry two paths) and the -z
 * --numstat entries (sizes; a rename writes an empty path, then both paths) of one commit.
 */
function parseFileStats(block: string): LoggedFile[] {
  const files = new Map<string, LoggedFile>();
  const entry = (path: string): LoggedFile => {
    let file = files.get(path);
    if (!file) {
      file = { path, additions: null, deletions: null, blob: null, renamedFrom: null };
      files.set(path, file);
    }
    return file;
  };
  const tokens = block.split('\0');
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index]!.replace(/^\n+/, '');
    const raw = RAW_HEADER.exec(token);
    if (raw) {
      const twoPaths = raw[2] === 'R' || raw[2] === 'C';
      const from = twoPaths ? tokens[++index]! : null;
      const file = entry(tokens[++index]!);
      file.blob = NULL_BLOB.test(raw[1]!) ? null : raw[1]!;
      if (raw[2] === 'R') file.renamedFrom = from;
      continue;
    }
    const stat = NUMSTAT.exec(token);
    if (stat) {
      let path = stat[3]!;
      if (path === '') {
        index += 1;
        path = tokens[++index]!;
      }
      const file = entry(path);
      file.additions = stat[1] === '-' ? null : Number(stat[1]);
      file.deletions = stat[2] === '-' ? null : Number(stat[2]);
    }
  }
  return [...files.values()];
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** Undoes git's C-style quoting of unusual paths ("a\"b", "tab\there", "caf\303\251"). */
export function unquotePath(raw: string): string {
  if (!(raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"'))) return raw;
  const bytes: number[] = [];
  const inner = raw.slice(1, -1);
  for (let index = 0; index < inner.length; index += 1) {
    const char = inner[index]!;
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const next = inner[index + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(inner.slice(index + 1, index + 4), 8));
      index += 3;
    } else {
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
      index += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Reads `git patch-id --stable` output: "<patch-id> <commit>" per line. */
export class PatchIdParser {
  private buffer = '';

  constructor(private readonly onPatchId: (commit: string, patchId: string) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  end(): void {
    this.line(this.buffer);
    this.buffer = '';
  }

  private line(line: string): void {
    const [patchId, commit] = line.trim().split(' ');
    if (patchId && commit) this.onPatchId(commit, patchId);
  }
}

const NEWLINE = 0x0a;
const PLUS = 0x2b;
const MINUS = 0x2d;
const AT = 0x40;
const HEADER_PREFIX = 41;

/**
 * Counts the lines each commit adds and deletes in `git diff-tree --stdin -p` output, as it streams
 * past on its way to `git patch-id` (one reading of the patches for both). Works on bytes: a line's
 * first byte tells what it is, and only the 40-hex commit headers are looked at whole. Inside a
 * hunk, lines start with ' ', '+', '-' or '\', so a line starting otherwise ends the hunk.
 */
export class PatchLineCounter {
  private current: { sha: string; additions: number; deletions: number } | null = null;
  private inHunk = false;
  /** A line cut by a chunk boundary: its first bytes and its length so far. */
  private head: Buffer = Buffer.alloc(0);
  private lineLength = 0;

  constructor(private readonly onCommit: (sha: string, additions: number, deletions: number) => void) {}

  push(chunk: Buffer): void {
    let position = 0;
    while (position < chunk.length) {
      const end = chunk.indexOf(NEWLINE, position);
      if (this.lineLength === 0 && end !== -1) {
        // The common case: a whole line inside this chunk.
        this.line(chunk.subarray(position, Math.min(end, position + HEADER_PREFIX)), end - position);
        position = end + 1;
        continue;
      }
      const stop = end === -1 ? chunk.length : end;
      if (this.head.length < HEADER_PREFIX) {
        const take = chunk.subarray(position, Math.min(stop, position + HEADER_PREFIX - this.head.length));
        this.head = Buffer.concat([this.head, take]);
      }
      this.lineLength += stop - position;
      if (end === -1) return;
      this.line(this.head, this.lineLength);
      this.head = Buffer.alloc(0);
      this.lineLength = 0;
      position = end + 1;
    }
  }

  end(): void {
    if (this.lineLength > 0) this.line(this.head, this.lineLength);
    this.head = Buffer.alloc(0);
    this.lineLength = 0;
    this.flush();
  }

  private line(start: Buffer, length: number): void {
    const first = start[0];
    if (this.inHunk) {
      if (first === PLUS) {
        if (this.current) this.current.additions += 1;
        return;
      }
      if (first === MINUS) {
        if (this.current) this.current.deletions += 1;
        return;
      }
      if (first === 0x20 || first === 0x5c || first === AT) return;
      this.inHunk = false;
    }
    if (first === AT && start[1] === AT) {
      this.inHunk = true;
      return;
    }
    if (length === 40 && isHexSha(start)) {
      this.flush();
      this.current = { sha: start.toString('latin1', 0, 40), additions: 0, deletions: 0 };
    }
  }

  private flush(): void {
    if (this.current) this.onCommit(this.current.sha, this.current.additions, this.current.deletions);
    this.current = null;
    this.inHunk = false;
  }
}

function isHexSha(bytes: Buffer): boolean {
  if (bytes.length < 40) return false;
  for (let index = 0; index < 40; index += 1) {
    const byte = bytes[index]!;
    if (!((byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66))) return false;
  }
  return true;
}

/** Reads `git diff-tree --stdin --numstat -z` output: per commit, the lines added and deleted. */
export function parseNumstatTotals(output: string): Map<string, { additions: number; deletions: number }> {
  const totals = new Map<string, { additions: number; deletions: number }>();
  let current: { additions: number; deletions: number } | null = null;
  const tokens = output.split('\0');
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index]!.replace(/^\n+/, '');
    if (/^[0-9a-f]{40}$/.test(token)) {
      current = { additions: 0, deletions: 0 };
      totals.set(token, current);
      continue;
    }
    const stat = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(token);
    if (!stat || !current) continue;
    if (stat[3] === '') index += 2; // a rename: the two paths follow
    current.additions += stat[1] === '-' ? 0 : Number(stat[1]);
    current.deletions += stat[2] === '-' ? 0 : Number(stat[2]);
  }
  return totals;
}
