import { neutraliseDelimiters } from './delimiters.js';
import { renderMarkup, type InlineSyntax, type Token } from './markup.js';

/**
 * Escaping for Microsoft Teams: Adaptive Card TextBlocks and FactSets, which render a Markdown
 * subset, and plain message text, which Teams reads as Markdown with a little HTML.
 *
 * Backslash escapes are not an option: Teams' mobile renderers have shown the backslash for
 * years. So every neutraliser keeps the user's characters and breaks the syntax around them:
 *
 * - `[label](url)` is a link only when `]` and `(` touch: a zero-width space goes between them,
 *   so a label can never hide where a link goes.
 * - `<` before a letter, `/`, `!` or `?` could open a tag (`<at>x</at>` mentions, HTML) or an
 *   autolink (`<https://…>`): a zero-width space follows it.
 * - `&` before an entity (`&lt;`, `&#60;`) would be decoded: a zero-width space follows it, so the
 *   user's `&lt;` stays those four characters.
 * - `*` and `_` (bold, italic), `~` (strike in message text) and the backtick become lookalikes
 *   wherever they could act (escape/delimiters.ts); `snake_case` and "2 * 3" stay as written.
 * - At the start of a line, `-`, `+`, `*`, `#`, `>` and `1.` would make a list, a heading or a quote:
 *   a zero-width space goes first.
 */

const ZERO_WIDTH_SPACE = '\u200b';

/** What makes a line a list item, a heading or a quote. */
const BLOCK_MARKER = /(^|\n)(?=[ \t]*(?:[-+*](?=[ \t])|#{1,6}(?=[ \t\n]|$)|>|\d{1,9}[.)](?=[ \t\n]|$)))/g;

/** Literal text for a TextBlock, a fact or a plain Teams message; `lineStart` when it begins a line. */
export function teamsText(text: string, lineStart = true): string {
  return neutraliseDelimiters(text)
    .replace(/\](?=\()/g, `]${ZERO_WIDTH_SPACE}`)
    .replace(/<(?=[\p{L}/!?])/gu, `<${ZERO_WIDTH_SPACE}`)
    .replace(/&(?=#?[\p{L}\p{N}]+;)/gu, `&${ZERO_WIDTH_SPACE}`)
    .replace(BLOCK_MARKER, (lead: string) => (lead === '' && !lineStart ? lead : lead + ZERO_WIDTH_SPACE));
}

/** A mention as Teams writes it; the card carries the entity that says who it is (adaptive-card.ts). */
export function teamsMention(name: string): string {
  return `<at>${teamsText(name, false)}</at>`;
}

/**
 * A link, a mention or a date in Adaptive Card Markdown: a person with a Teams id as `<at>name</at>`
 * (the card's msteams.entities say who), others by name. Dates use the card's DATE/TIME functions.
 */
function teamsToken(token: Token): string {
  switch (token.kind) {
    case 'link':
      return `[${teamsText(token.text, false).replace(/[[\]]/g, (char) => `\\${char}`)}](${token.url.replace(/[()]/g, (char) => encodeURIComponent(char))})`;
    case 'person':
      return token.teams ? teamsMention(token.text) : teamsText(token.text, false);
    case 'time': {
      const iso = new Date(token.iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return `{{DATE(${iso}, SHORT)}} {{TIME(${iso})}}`;
    }
  }
}

// Teams shows Markdown backticks as backticks: code (SHAs, step ids, file names) is written as its
// words, without a delimiter.
const MARKDOWN: InlineSyntax = { bold: '**', italic: '_', code: '', text: teamsText, codeText: (text) => teamsText(text, false), token: teamsToken };

/** gig's markup as Adaptive Card Markdown: **bold**, _italic_, `code`, every literal run neutralised. */
export function teamsMarkdown(markup: string): string {
  return renderMarkup(markup, MARKDOWN);
}
