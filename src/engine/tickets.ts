/**
 * Ticket IDs are matched as exact tokens (DESIGN §4.1): `ABC-12` never matches inside `ABC-123` or
 * `XABC-12`, matching ignores case and IDs are normalised to upper case. An allow-list of project
 * keys keeps look-alikes such as `UTF-8` or `SHA-256` out.
 */
export interface TicketRules {
  pattern: string;
  projects: string[] | null;
}

export interface TicketMatcher {
  /** Every distinct ticket named in the text, upper case, in order of first mention. */
  find(text: string): string[];
  /** The normalised ID when `text` is exactly one ticket, otherwise null. */
  parse(text: string): string | null;
}

/**
 * How much text one match attempt sees. A ticket id is one word; the patterns config accepts
 * backtrack at most polynomially (ticket-pattern.ts), so bounding the text per attempt bounds the
 * time a crafted message can cost: long lines are read word by word, and words longer than any
 * ticket id are skipped.
 */
const LINE_LIMIT = 2048;
const WORD_LIMIT = 256;

function* matchableSpans(text: string): Generator<string> {
  for (const line of text.split('\n')) {
    if (line.length <= LINE_LIMIT) {
      yield line;
      continue;
    }
    for (const word of line.split(/\s+/)) if (word.length <= WORD_LIMIT) yield word;
  }
}

export function createTicketMatcher(rules: TicketRules): TicketMatcher {
  // Letters or digits right before or after would make the match part of a longer word or number.
  const scanner = new RegExp(`(?<![\\p{L}\\p{N}])(?:${rules.pattern})(?![\\p{L}\\p{N}])`, 'giu');
  const whole = new RegExp(`^(?:${rules.pattern})$`, 'iu');
  const projects = rules.projects === null ? null : new Set(rules.projects.map((key) => key.toUpperCase()));

  const allowed = (id: string): boolean => {
    if (projects === null) return true;
    const dash = id.lastIndexOf('-');
    return dash > 0 && projects.has(id.slice(0, dash));
  };

  return {
    find(text) {
      const found = new Set<string>();
      for (const span of matchableSpans(text)) {
        for (const match of span.matchAll(scanner)) {
          const id = match[0].toUpperCase();
          if (allowed(id)) found.add(id);
        }
      }
      return [...found];
    },
    parse(text) {
      const candidate = text.trim();
      if (candidate.length > WORD_LIMIT) return null;
      if (!whole.test(candidate)) return null;
      const id = candidate.toUpperCase();
      return allowed(id) ? id : null;
    },
  };
}
