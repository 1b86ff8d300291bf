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
      for (const match of text.matchAll(scanner)) {
        const id = match[0].toUpperCase();
        if (allowed(id)) found.add(id);
      }
      return [...found];
    },
    parse(text) {
      const candidate = text.trim();
      if (!whole.test(candidate)) return null;
      const id = candidate.toUpperCase();
      return allowed(id) ? id : null;
    },
  };
}
