import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderBlockKit, type SlackBlock } from '../../src/bot/slack/block-kit.js';
import { renderAdaptiveCard, type AdaptiveCardJson } from '../../src/bot/teams/adaptive-card.js';
import { handleChat } from '../../src/commands/chat.js';
import { runManualAdd, runReject } from '../../src/commands/record.js';
import { runStatus } from '../../src/commands/status.js';
import type { App } from '../../src/main.js';
import type { Card } from '../../src/views/cards/model.js';
import { statusCard } from '../../src/views/cards/status-card.js';
import { lit, parseMarkup, plainText, prose } from '../../src/views/escape/markup.js';
import { slackMrkdwn, slackSummary, slackText } from '../../src/views/escape/slack.js';
import { teamsMarkdown, teamsText } from '../../src/views/escape/teams.js';
import { terminalJson, terminalText } from '../../src/views/escape/terminal.js';
import { gig } from '../helpers/cli.js';
import { envRepository, nov, tempDir, workspace } from '../helpers/workspace.js';

/**
 * Issue #11, items 7 and 8: text gig does not control (reject reasons typed in Slack, manual steps,
 * commit subjects, names) is escaped at each surface, so it is shown as written and never acts:
 * no Slack mention or disguised link, no Teams link or `<at>`, no layout broken by a stray
 * backtick, and no terminal escape sequence.
 */

// The two reports of the issue, and every construct each platform would act on.
const MANUAL_STEP = '<!channel> run <https://evil.example|this>';
const SLACK_ACTIVE = ['<!channel>', '<!here>', '<@U123>', '<#C123|x>', '<https://evil.example|this>'];
const CHAT_REASON = `totals wrong ${SLACK_ACTIVE.join(' ')} &lt;!here&gt; \`code\` *bold* _it_ ~gone~ [click](https://evil.example) <at>x</at>`;

const ESC = '\x1b';
const TITLE = `${ESC}]0;pwned\x07`;
const HIDDEN_LINK = `${ESC}]8;;https://evil.example${ESC}\\click me${ESC}]8;;${ESC}\\`;
const CLEAR = `${ESC}[2J`;
const TERMINAL_REASON = `crash ${TITLE}on save ${HIDDEN_LINK} ${CLEAR}\u202eevil\u202c nul\0 c1\u009b31mred`;

/** Anything a terminal acts on: C0 but \t and \n, DEL, C1, bidi overrides and isolates. */
// eslint-disable-next-line no-control-regex -- what the test looks for
const TERMINAL_ACTIVE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/u;

/** What a Slack reader sees of escaped mrkdwn: entities decoded, lookalikes and invisible marks read back. */
function slackVisible(text: string): string {
  return readBack(text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
}

function readBack(text: string): string {
  return text
    .replace(/[\u200b\u2060]/g, '')
    .replace(/\u2217/g, '*')
    .replace(/\u02cd/g, '_')
    .replace(/\u223c/g, '~')
    .replace(/\u02cb/g, '`');
}

/**
 * Nothing Slack would act on but gig's own dates (`<!date^…|…>`, the only `<…>` construct these
 * cards have, no person configured): no other raw angle bracket at all.
 */
function expectInertSlack(text: string): void {
  expect(text.replace(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|[^<>]*>/g, '')).not.toMatch(/[<>]/);
  expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
  expect(text).not.toMatch(/@(channel|here|everyone)\b/i);
}

/** Nothing Teams would act on: no link, tag, autolink or entity. */
function expectInertTeams(text: string): void {
  expect(text).not.toMatch(/\]\(/);
  expect(text).not.toMatch(/<[\p{L}/!?]/u);
  expect(text).not.toMatch(/&#?[\p{L}\p{N}]+;/u);
}

function slackTexts(rendered: { text: string; blocks: SlackBlock[] }): { mrkdwn: string[]; plain: string[] } {
  const mrkdwn: string[] = [rendered.text];
  const plain: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (object.type === 'mrkdwn') {
        expect(object.verbatim).toBe(true);
        mrkdwn.push(String(object.text));
      } else if (object.type === 'plain_text') plain.push(String(object.text));
      Object.values(object).forEach(walk);
    }
  };
  walk(rendered.blocks);
  return { mrkdwn, plain };
}

function teamsTexts(card: AdaptiveCardJson): string[] {
  const texts: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (object.type === 'TextBlock') texts.push(String(object.text));
      if ('title' in object && 'value' in object && typeof object.value === 'string') texts.push(String(object.title), object.value);
      Object.values(object).forEach(walk);
    }
  };
  walk(card.body);
  return texts;
}

describe("gig's neutral markup", () => {
  it('keeps any value literal through lit(): one unstyled run, the same text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite' }), (value) => {
        const runs = parseMarkup(lit(value));
        expect(runs.every((run) => !run.bold && !run.italic && !run.code)).toBe(true);
        expect(plainText(lit(value))).toBe(value);
      }),
    );
    expect(plainText(`**${lit('**x**')}** \`${lit('a`b')}\``, { code: true })).toBe('**x** `a`b`');
  });

  it('reads gig markup, and takes a delimiter without a partner as text', () => {
    expect(parseMarkup('**Last rejection:** qa `abc` _…and 3 more_ a_b **open')).toEqual([
      { text: 'Last rejection:', bold: true, italic: false, code: false },
      { text: ' qa ', bold: false, italic: false, code: false },
      { text: 'abc', bold: false, italic: false, code: true },
      { text: ' ', bold: false, italic: false, code: false },
      { text: '…and 3 more', bold: false, italic: true, code: false },
      { text: ' a_b **open', bold: false, italic: false, code: false },
    ]);
  });

  it('keeps code spans but no emphasis in prose that quotes user input', () => {
    expect(parseMarkup(prose('step `m1` added: *bold* _it_')).map((run) => [run.text, run.code, run.bold || run.italic])).toEqual([
      ['step ', false, false],
      ['m1', true, false],
      [' added: *bold* _it_', false, false],
    ]);
  });
});

describe('Slack escaping', () => {
  it.each(SLACK_ACTIVE)('shows %s as text, never as a mention or link', (input) => {
    const escaped = slackText(input);
    expectInertSlack(escaped);
    expect(slackVisible(escaped)).toBe(input);
  });

  it('escapes & first and once: a literal &lt; stays &lt;', () => {
    expect(slackText('&lt;!channel&gt; & <')).toBe('&amp;lt;!channel&amp;gt; &amp; &lt;');
    expect(slackMrkdwn(lit('&lt;'))).toBe('&amp;lt;');
  });

  it('neutralises backticks and emphasis that would restyle gig\'s line, and leaves ordinary text alone', () => {
    expect(slackText('`rm -rf` *bold* _it_ ~gone~ ```x```')).toBe('ˋrm -rfˋ ∗bold∗ ˍitˍ ∼gone∼ ˋˋˋxˋˋˋ');
    expect(slackText('db/V7__totals.sql snake_case 2 * 3 ~ ok')).toBe('db/V7__totals.sql snake_case 2 * 3 ~ ok');
    expect(slackText('> quoted\n> again')).toBe('\u200b&gt; quoted\n\u200b&gt; again');
    expect(slackText('@channel and @here')).toBe('@\u2060channel and @\u2060here');
  });

  it("keeps gig's own bold, italic and code around escaped values", () => {
    const markup = `**Last rejection:** ${lit(CHAT_REASON)} · \`${lit('a`b <x>')}\` _…and 2 more_`;
    const mrkdwn = slackMrkdwn(markup);
    expect(mrkdwn.startsWith('*Last rejection:* totals wrong &lt;!channel&gt;')).toBe(true);
    expect(mrkdwn.endsWith('`aˋb &lt;x&gt;` _…and 2 more_')).toBe(true);
    expectInertSlack(mrkdwn);
    expect(slackVisible(mrkdwn)).toContain(CHAT_REASON);
    expect(slackSummary(markup)).not.toContain('*Last');
  });

  it('leaves no mention, link or stray delimiter in any text, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'<>&!@#|*_~`\\ \nab:/.') }), (value) => {
        const escaped = slackMrkdwn(`**x** ${lit(value)} \`${lit(value)}\``);
        expectInertSlack(escaped);
        // gig's bold and code are the only delimiters left
        expect(escaped.replace(/^\*x\* /, '').replace(/ `[^`]*`$/, '')).not.toMatch(/`/);
      }),
    );
  });

  it('keeps plain_text plain and escapes the top-level text', () => {
    const card: Card = { summary: prose(`Release ${MANUAL_STEP}`), blocks: [{ kind: 'header', text: `Release ${lit(MANUAL_STEP)}` }] };
    const rendered = renderBlockKit(card);
    expect(rendered.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: `Release ${MANUAL_STEP}` } });
    expectInertSlack(rendered.text);
    expect(slackVisible(rendered.text)).toBe(`Release ${MANUAL_STEP}`);
  });
});

describe('Teams escaping', () => {
  it('breaks links, <at> mentions, tags, autolinks and entities, keeping every character', () => {
    const input = '[click](https://evil.example) <at>x</at> <https://evil.example> <b>b</b> &lt;at&gt; &#60;';
    const escaped = teamsText(input);
    expectInertTeams(escaped);
    expect(readBack(escaped)).toBe(input);
  });

  it('neutralises emphasis, backticks and line-start lists, and leaves ordinary text alone', () => {
    expect(teamsText('**bold** _it_ `code` snake_case 2 * 3')).toBe('∗∗bold∗∗ ˍitˍ ˋcodeˋ snake_case 2 * 3');
    expect(teamsText('- one\n1. two\n# three\n> four')).toBe('\u200b- one\n\u200b1. two\n\u200b# three\n\u200b> four');
    expect(teamsText('- inline', false)).toBe('- inline');
  });

  it("keeps gig's own markup around escaped values", () => {
    const markdown = teamsMarkdown(`**Last rejection:** ${lit(CHAT_REASON)} \`${lit('m1')}\``);
    expect(markdown.startsWith('**Last rejection:** totals wrong')).toBe(true);
    // Teams would show backticks as backticks: gig's code is written as its words.
    expect(markdown.endsWith(' m1')).toBe(true);
    expect(markdown).not.toContain('`');
    expectInertTeams(markdown);
    expect(readBack(markdown)).toContain(CHAT_REASON);
  });

  it('leaves no link, tag or entity, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'[]()<>&#;!/?at*_`- \n1.') }), (value) => {
        expectInertTeams(teamsMarkdown(`**x** ${lit(value)}`));
        expect(readBack(teamsText(value))).toBe(value);
      }),
    );
  });
});

describe('terminal escaping', () => {
  it.each([
    ['a window title (OSC 0)', `a${TITLE}b`, 'ab'],
    ['a hidden hyperlink (OSC 8), keeping its words', `see ${HIDDEN_LINK}!`, 'see click me!'],
    ['a screen clear (CSI)', `a${CLEAR}b`, 'ab'],
    ['colours and cursor moves', `${ESC}[31mred${ESC}[0m${ESC}[1A${ESC}[10;20H`, 'red'],
    ['a C1 CSI (U+009B)', '\u009b31mred', 'red'],
    ['a C1 OSC ended by C1 ST', 'a\u009d0;title\u009cb', 'ab'],
    ['an unterminated OSC, up to the line break only', `a${ESC}]0;title\nnext`, 'a\nnext'],
    ['a bidi override', 'abc\u202edcba\u202c', 'abc\ufffddcba\ufffd'],
    ['isolates', '\u2066x\u2069', '\ufffdx\ufffd'],
    ['NUL, BEL, backspace and DEL', 'a\0b\x07c\bd\x7f', 'a\ufffdb\ufffdc\ufffdd\ufffd'],
    ['a lone carriage return, keeping CRLF as a line break', 'safe\rEVIL\r\nnext', 'safe\ufffdEVIL\nnext'],
    ['nothing in plain text with tabs and line breaks', 'a\tb\nc ✓ ≈ →', 'a\tb\nc ✓ ≈ →'],
  ])('removes %s', (_what, input, output) => {
    expect(terminalText(input)).toBe(output);
  });

  it('leaves nothing a terminal acts on, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const clean = terminalText(value);
        expect(clean).not.toMatch(TERMINAL_ACTIVE);
        expect(terminalText(clean)).toBe(clean);
      }),
    );
  });

  it('writes JSON that parses to the same value, with no raw control character, and that the sanitiser leaves alone', () => {
    expect(JSON.stringify(`${ESC}\0\n`)).toBe('"\\u001b\\u0000\\n"'); // what JSON.stringify escapes by itself
    expect(JSON.stringify('\u009b\u202e')).toBe('"\u009b\u202e"'); // and what it does not
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), (value) => {
        const json = terminalJson(value);
        expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(json).not.toMatch(TERMINAL_ACTIVE);
        expect(terminalText(json)).toBe(json);
      }),
    );
  });
});

describe('end to end: a hostile reason, manual step and subject on a small workspace', () => {
  const SUBJECT = `ABC-1 totals \`x\` *y* <!here> ${ESC}[31mred${ESC}[0m \u202eevil`;

  async function hostileWorkspace(): Promise<{ root: string; app: App }> {
    const root = tempDir('gig-escaping-');
    const repo = envRepository(root, 'app');
    repo.commit(SUBJECT, { 'totals.txt': '1\n' }, { date: nov(2) });
    const app = workspace(root, ['app']).open(() => new Date(nov(10)));
    await app.context.sync();
    return { root, app };
  }

  it('renders the status card for Slack and Teams with nothing active and the words intact', async () => {
    const { app } = await hostileWorkspace();
    await runReject(app.context, { ticket: 'ABC-1', stage: 'qa', reason: CHAT_REASON, by: '<@U666> *Eve*', at: nov(3) });
    await runManualAdd(app.context, 'ABC-1', MANUAL_STEP, { owner: '<!subteam^S1>' });
    const card = statusCard((await runStatus(app.context, 'ABC-1')).evaluation);

    const slack = renderBlockKit(card);
    const { mrkdwn, plain } = slackTexts(slack);
    for (const text of mrkdwn) expectInertSlack(text);
    const rejection = mrkdwn.find((text) => text.startsWith('*Last rejection:*'))!;
    expect(slackVisible(rejection)).toContain(`by <@U666> *Eve* — “${CHAT_REASON}”`);
    expect(rejection).not.toMatch(/`code`|\*bold\*|\*Eve\*/);
    const step = mrkdwn.find((text) => text.startsWith('⬜'))!;
    expect(step).toMatch(/^⬜ `m[0-9a-f]+` /);
    expect(slackVisible(step)).toContain(`${MANUAL_STEP} — <!subteam^S1>`);
    expect(plain.join('\n')).not.toMatch(/&lt;|&amp;/); // plain_text is never entity-escaped

    const teams = renderAdaptiveCard(card).card;
    const texts = teamsTexts(teams);
    for (const text of texts) expectInertTeams(text);
    const teamsRejection = texts.find((text) => text.startsWith('**Last rejection:**'))!;
    expect(readBack(teamsRejection)).toContain(`by <@U666> *Eve* — “${CHAT_REASON}”`);
    expect(texts.some((text) => readBack(text).includes(MANUAL_STEP))).toBe(true);
  });

  it('answers the reported slash commands with an inert message and card', async () => {
    const { app } = await hostileWorkspace();
    const actor = { platform: 'slack' as const, id: 'U1' };
    for (const command of [`manual ABC-1 add ${MANUAL_STEP}`, `reject ABC-1 qa ${CHAT_REASON}`]) {
      const reply = await handleChat(app.context, command, actor, { prefix: '/gig ' });
      const message = renderBlockKit(reply.card);
      const { mrkdwn } = slackTexts(message);
      for (const text of mrkdwn) expectInertSlack(text);
      expect(slackVisible(message.text)).toContain(command.includes('manual') ? MANUAL_STEP : CHAT_REASON);
      expect(message.text).toMatch(/^U1 (added manual step `m[0-9a-f]+`|recorded a rejection)/);
      for (const text of teamsTexts(renderAdaptiveCard(reply.card).card)) expectInertTeams(text);
    }
  });

  it('prints status with no escape sequence on the terminal, and the exact reason in JSON', async () => {
    const { root, app } = await hostileWorkspace();
    await runReject(app.context, { ticket: 'ABC-1', stage: 'qa', reason: TERMINAL_REASON, by: `Eve${CLEAR}`, at: nov(3) });
    await runManualAdd(app.context, 'ABC-1', `restart ${TITLE}the service ${HIDDEN_LINK}`);

    const text = await gig(root, ['status', 'ABC-1']);
    expect(text.code).toBe(0);
    expect(text.stdout).not.toMatch(TERMINAL_ACTIVE);
    expect(text.stdout).toContain('Last rejection: qa on 2026-11-03 10:00 UTC by Eve ("crash on save click me \ufffdevil\ufffd nul\ufffd c1red")');
    expect(text.stdout).toContain('restart the service click me');
    expect(text.stdout).toContain('ABC-1 totals `x` *y* <!here> red \ufffdevil');

    const manual = await gig(root, ['manual', 'ABC-1']);
    expect(manual.stdout).not.toMatch(TERMINAL_ACTIVE);
    expect(manual.stdout).toContain('restart the service click me');

    const json = await gig(root, ['status', 'ABC-1', '--json']);
    expect(json.code).toBe(0);
    expect(json.stdout).not.toMatch(TERMINAL_ACTIVE);
    const body = JSON.parse(json.stdout) as { lastRejection: { reason: string; by: string }; repositories: Array<{ commits: Array<{ subject: string }> }> };
    expect(body.lastRejection).toMatchObject({ reason: TERMINAL_REASON, by: `Eve${CLEAR}` });
    expect(body.repositories[0]!.commits[0]!.subject).toBe(SUBJECT);
  });

  it('echoes a bad ticket argument in errors without its escape bytes', async () => {
    const { root } = await hostileWorkspace();
    const bad = `ABC${CLEAR}${TITLE}\u202e-1`;
    const text = await gig(root, ['status', bad]);
    expect(text.code).toBe(2);
    expect(text.stderr).not.toMatch(TERMINAL_ACTIVE);
    expect(text.stderr).toContain('error: "ABC\ufffd-1" is not a ticket id.');

    const json = await gig(root, ['status', bad, '--json']);
    expect(json.code).toBe(2);
    expect(json.stdout).not.toMatch(TERMINAL_ACTIVE);
    expect((JSON.parse(json.stdout) as { error: { message: string } }).error.message).toBe(`"${bad}" is not a ticket id.`);
    expect(json.stderr).not.toMatch(TERMINAL_ACTIVE);

    const unknown = await gig(root, [`--${CLEAR}bogus`]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).not.toMatch(TERMINAL_ACTIVE);
    expect(unknown.stderr).toContain('bogus');
  });
});

describe('Slack limits and escaping together', () => {
  it('never cuts an entity in half when a long text is clipped', () => {
    for (let pad = 0; pad < 6; pad += 1) {
      const rendered = renderBlockKit({ summary: 'x', blocks: [{ kind: 'header', text: 'x' }, { kind: 'context', text: lit(`${'a'.repeat(1995 + pad)}${'<&>'.repeat(10)}`) }] });
      const context = ((rendered.blocks[1]!.elements as Array<{ text: string }>)[0]!).text;
      expect(context.length).toBeLessThanOrEqual(2000);
      expectInertSlack(context);
    }
  });
});
