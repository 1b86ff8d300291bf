/**
 * gig's neutral inline markup: the text of every card field (views/cards/model.ts).
 *
 * Where escaping happens, and why here. A card mixes gig's own formatting (a bold label, a SHA in
 * backticks) with text gig does not control: commit subjects, reject reasons, manual steps, names,
 * Jira summaries, repository and environment names from the configuration. Escaping the finished
 * platform string cannot tell the two apart, so the work is split at the one place that can:
 *
 *  1. Views insert every such value through `lit()` (or `prose()` for gig sentences that quote
 *     one), which turns the value into literal text of this markup. The card model stays plain,
 *     platform-neutral strings.
 *  2. Renderers parse the markup into styled runs (`parseMarkup`) and write each run with their
 *     platform's escaping module (escape/slack.ts, escape/teams.ts); card-text.ts does the same
 *     for the terminal.
 *
 * The markup has only emphasis and code: no links, no mentions, no raw platform syntax. So a
 * renderer escapes everything a platform would act on (`<!channel>`, `<@U1>`, `<url|label>`,
 * `[label](url)`, `<at>…</at>`) in every run, unconditionally: even a value a view forgot to pass
 * through `lit()` can at worst come out bold, never as a mention or a disguised link.
 *
 * Syntax: `**bold**`, `_italic_` (at word edges), `` `code` ``, line breaks, and a backslash before
 * `\`, `*`, `_` or a backtick for that character itself. A delimiter without a partner is text.
 *
 * Links, people and times are tokens only views make (`link()`, `person()`, `time()`): each is
 * framed by private-use characters that `lit()` and `prose()` take out of any value, so text gig
 * does not control can never make one. Renderers write a token their platform's way (a Slack
 * `<url|text>` or `<@U…>` or `<!date^…>`, a Teams Markdown link or `{{DATE()}}`), and plain text
 * shows its words.
 */

/** A link, a person or a moment, made by a view; `text` is what plain text shows of it. */
export type Token =
  | { kind: 'link'; url: string; text: string }
  | { kind: 'person'; text: string; slack?: string; teams?: string }
  | { kind: 'time'; iso: string; text: string };

/** One stretch of text with one style. `text` is literal: nothing in it is markup any more. */
export interface Run {
  text: string;
  bold: boolean;
  italic: boolean;
  code: boolean;
  /** Set when the run is a token: `text` is then its plain words. */
  token?: Token;
}

const TOKEN_OPEN = '\uE000';
const TOKEN_CLOSE = '\uE001';
const TOKEN_CHARS = /[\uE000\uE001]/g;

const token = (value: Token): string => `${TOKEN_OPEN}${JSON.stringify(value)}${TOKEN_CLOSE}`;

/** A link to a web page gig knows the address of (a commit, a ticket); only http(s) addresses. */
export function link(text: string, url: string | null | undefined): string {
  if (!url || !/^https?:\/\/[^\s<>|]+$/i.test(url)) return lit(text);
  return token({ kind: 'link', url, text: text.replace(TOKEN_CHARS, '\uFFFD') });
}

/** A person, mentioned where the platform knows their id (people[].slack / .teams), named otherwise. */
export function person(name: string, ids: { slack?: string | undefined; teams?: string | undefined } = {}): string {
  return token({ kind: 'person', text: name.replace(TOKEN_CHARS, '\uFFFD'), ...(ids.slack ? { slack: ids.slack } : {}), ...(ids.teams ? { teams: ids.teams } : {}) });
}

/** A moment each reader sees in their own time zone where the platform can show it; `text` elsewhere. */
export function time(iso: string, text: string): string {
  return Number.isNaN(Date.parse(iso)) ? lit(text) : token({ kind: 'time', iso, text });
}

const ESCAPABLE = new Set(['\\', '*', '_', '`']);

/** User or repository text as literal markup: shown exactly as written, never formatted. */
export function lit(value: string | number): string {
  return String(value)
    .replace(TOKEN_CHARS, '\uFFFD')
    .replace(/[\\*_`]/g, (char) => `\\${char}`);
}

/**
 * A gig sentence that may quote user input (error messages, notices): its backtick spans stay
 * code, everything else is literal, so a quoted `*x*` or `_x_` cannot restyle it.
 */
export function prose(text: string): string {
  return text.replace(TOKEN_CHARS, '\uFFFD').replace(/[\\*_]/g, (char) => `\\${char}`);
}

const isWord = (char: string | undefined): boolean => char !== undefined && /[\p{L}\p{N}]/u.test(char);
const isSpace = (char: string | undefined): boolean => char === undefined || /\s/.test(char);

/** The first position at or after `from` that `matches`, skipping escaped characters; -1 if none. */
function find(source: string, from: number, matches: (at: number) => boolean): number {
  for (let at = from; at < source.length; at += 1) {
    if (source[at] === '\\' && ESCAPABLE.has(source[at + 1] ?? '')) at += 1;
    else if (matches(at)) return at;
  }
  return -1;
}

const opensItalic = (source: string, at: number): boolean => !isWord(source[at - 1]) && !isSpace(source[at + 1]);
const closesItalic = (source: string, at: number): boolean => source[at] === '_' && !isWord(source[at + 1]) && !isSpace(source[at - 1]);

/** The markup as runs of literal text, in order; adjacent runs of one style are merged. */
export function parseMarkup(source: string): Run[] {
  const runs: Run[] = [];
  const style = { bold: false, italic: false, code: false };
  let text = '';
  const flush = (): void => {
    if (text === '') return;
    const last = runs.at(-1);
    if (last && !last.token && last.bold === style.bold && last.italic === style.italic && last.code === style.code) last.text += text;
    else runs.push({ text, ...style });
    text = '';
  };
  let at = 0;
  while (at < source.length) {
    const char = source[at]!;
    if (char === TOKEN_OPEN) {
      const end = source.indexOf(TOKEN_CLOSE, at);
      const value = end < 0 ? null : readToken(source.slice(at + 1, end));
      if (value) {
        flush();
        runs.push({ text: value.text, ...style, token: value });
        at = end + 1;
        continue;
      }
    }
    if (char === '\\' && ESCAPABLE.has(source[at + 1] ?? '')) {
      text += source[at + 1];
      at += 2;
      continue;
    }
    if (char === '`' && (style.code || find(source, at + 1, (next) => source[next] === '`') >= 0)) {
      flush();
      style.code = !style.code;
      at += 1;
      continue;
    }
    if (!style.code && source.startsWith('**', at) && (style.bold || find(source, at + 2, (next) => source.startsWith('**', next)) >= 0)) {
      flush();
      style.bold = !style.bold;
      at += 2;
      continue;
    }
    if (!style.code && char === '_') {
      const toggles = style.italic ? closesItalic(source, at) : opensItalic(source, at) && find(source, at + 1, (next) => closesItalic(source, next)) >= 0;
      if (toggles) {
        flush();
        style.italic = !style.italic;
        at += 1;
        continue;
      }
    }
    text += char;
    at += 1;
  }
  flush();
  return runs;
}

function readToken(json: string): Token | null {
  try {
    const value = JSON.parse(json) as Token;
    return typeof value?.text === 'string' && ['link', 'person', 'time'].includes(value.kind) ? value : null;
  } catch {
    return null;
  }
}

/** How one platform writes runs: its delimiters, and how it escapes literal text in and out of code. */
export interface InlineSyntax {
  bold: string;
  italic: string;
  code: string;
  /** Literal text; `lineStart` when it begins a line, where some platforms read quotes or lists. */
  text(text: string, lineStart: boolean): string;
  codeText(text: string): string;
  /** A token in the platform's own syntax; its words escaped as literal text where they show. */
  token(token: Token): string;
}

const LEVELS = ['bold', 'italic', 'code'] as const;

/** Writes the markup in a platform's syntax: emphasis nested bold › italic › code, text escaped. */
export function renderMarkup(source: string, syntax: InlineSyntax): string {
  let out = '';
  const open: string[] = [];
  for (const run of parseMarkup(source)) {
    const wanted = LEVELS.filter((level) => run[level]);
    let keep = 0;
    while (keep < open.length && keep < wanted.length && open[keep] === wanted[keep]) keep += 1;
    while (open.length > keep) out += syntax[open.pop() as (typeof LEVELS)[number]];
    for (const level of wanted.slice(keep)) {
      out += syntax[level];
      open.push(level);
    }
    out += run.token ? syntax.token(run.token) : run.code ? syntax.codeText(run.text) : syntax.text(run.text, out === '' || out.endsWith('\n'));
  }
  while (open.length > 0) out += syntax[open.pop() as (typeof LEVELS)[number]];
  return out;
}

/** The markup as plain text, for plain-text fields and the terminal; code keeps its backticks if asked. */
export function plainText(source: string, options: { code?: boolean } = {}): string {
  return parseMarkup(source)
    .map((run) => (run.code && options.code ? `\`${run.text}\`` : run.text))
    .join('');
}
