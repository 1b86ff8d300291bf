import { LOOKALIKE, neutraliseDelimiters } from './delimiters.js';
import { parseMarkup, renderMarkup, type InlineSyntax, type Token } from './markup.js';

/**
 * Escaping for Slack. Text gig does not control (commit subjects, reject reasons, manual steps,
 * names, Jira summaries) must stay words on the screen: never a mention, a link, or formatting
 * that rearranges gig's own message.
 *
 * - `&`, `<`, `>` become `&amp;`, `&lt;`, `&gt;`: Slack's only escapes, and the characters of all
 *   its active syntax (`<!channel>`, `<!here>`, `<@U…>`, `<#C…>`, `<!subteam^…>`, `<url|label>`).
 *   Escaping `&` as well means a user's literal `&lt;` shows as `&lt;` instead of turning into
 *   `<`, and each character is escaped exactly once.
 * - mrkdwn has no escape for its delimiters (a backslash shows as a backslash), so `*` (bold),
 *   `_` (italic), `~` (strike) and the backtick (code) become lookalikes wherever they could act
 *   (escape/delimiters.ts): a subject cannot close gig's code span or embolden the rest of a line,
 *   while `snake_case` and "2 * 3" stay as written.
 * - A line starting with `>` is a quote even when written `&gt;`: a zero-width space goes first.
 * - `@channel`, `@here` and `@everyone` get a word joiner after the `@`, invisible, so Slack's
 *   automatic parsing of plain text (where `verbatim` cannot be set) never finds them.
 * - `plain_text` fields (headers, buttons) are shown as written by Slack: they get the text only.
 */

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const ZERO_WIDTH_SPACE = '\u200b';
const WORD_JOINER = '\u2060';

/** Literal text for a mrkdwn field or the top-level `text`; `lineStart` when it begins a line. */
export function slackText(text: string, lineStart = true): string {
  const escaped = neutraliseDelimiters(text)
    .replace(/[&<>]/g, (char) => ENTITY[char]!)
    .replace(/@(?=(?:channel|here|everyone)\b)/gi, `@${WORD_JOINER}`)
    .replace(/\n(?=&gt;)/g, `\n${ZERO_WIDTH_SPACE}`);
  return lineStart && escaped.startsWith('&gt;') ? ZERO_WIDTH_SPACE + escaped : escaped;
}

/** Literal text inside a code span: entities still apply; a backtick would end the span. */
export function slackCode(text: string): string {
  return text.replace(/[&<>`]/g, (char) => ENTITY[char] ?? LOOKALIKE[char]!);
}

/** A link, a mention or a date in Slack's own syntax; the words shown are escaped like any text. */
function slackToken(token: Token): string {
  switch (token.kind) {
    case 'link':
      // link() let only addresses without spaces, <, > and | through.
      return `<${token.url}|${slackText(token.text, false)}>`;
    case 'person':
      return token.slack && /^[UW][A-Z0-9]{2,}$/.test(token.slack) ? `<@${token.slack}>` : slackText(token.text, false);
    case 'time':
      // Each reader's own time zone and format; the fallback for clients that cannot.
      return `<!date^${Math.floor(Date.parse(token.iso) / 1000)}^{date_short_pretty} {time}|${slackText(token.text, false)}>`;
  }
}

const MRKDWN: InlineSyntax = { bold: '*', italic: '_', code: '`', text: slackText, codeText: slackCode, token: slackToken };

/** gig's markup as Slack mrkdwn: **bold** → *bold*, _italic_, `code`, every literal run escaped. */
export function slackMrkdwn(markup: string): string {
  return renderMarkup(markup, MRKDWN);
}

/** gig's markup for the message's top-level `text` (notifications): escaped, without emphasis. */
export function slackSummary(markup: string): string {
  return parseMarkup(markup)
    .map((run) => (run.code ? `\`${slackCode(run.text)}\`` : slackText(run.text)))
    .join('');
}
