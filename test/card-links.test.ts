import { describe, expect, it } from 'vitest';
import { renderBlockKit } from '../src/bot/slack/block-kit.js';
import { renderAdaptiveCard } from '../src/bot/teams/adaptive-card.js';
import { commitUrl } from '../src/commands/links.js';
import { webOfRemote } from '../src/config.js';
import type { Card } from '../src/views/cards/model.js';
import { personRef, shaRef, ticketRef, when, type CardLinks } from '../src/views/cards/links.js';
import { link, lit, plainText } from '../src/views/escape/markup.js';

const SHA = 'e75a84be0123456789abcdef0123456789abcdef';
const links: CardLinks = {
  commit: (repository, sha) => (repository === 'api' ? commitUrl('https://github.com/acme/api', sha) : null),
  ticket: (ticket) => (ticket === 'PAY-7' ? 'https://acme.atlassian.net/browse/PAY-7' : null),
  person: (name) => (name === 'Ben' ? { slack: 'U0BEN', teams: '29:ben' } : null),
};
const card = (text: string): Card => ({ summary: 'links', blocks: [{ kind: 'text', text }] });
const slack = (text: string): string => JSON.stringify(renderBlockKit(card(text)).blocks[0]);
const teams = (text: string): string => JSON.stringify(renderAdaptiveCard(card(text)).card);

describe('links, people and times on cards', () => {
  it('links a SHA to its commit where the repository has a web address, and shows it as code elsewhere', () => {
    expect(slack(shaRef(links, 'api', SHA))).toContain(`<https://github.com/acme/api/commit/${SHA}|e75a84be>`);
    expect(teams(shaRef(links, 'api', SHA))).toContain(`[e75a84be](https://github.com/acme/api/commit/${SHA})`);
    expect(slack(shaRef(links, 'batch', SHA))).toContain('`e75a84be`');
    expect(plainText(shaRef(links, 'api', SHA))).toBe('e75a84be');
  });

  it('links a ticket to its tracker page, mentions a configured person, and shows times in the reader\'s zone', () => {
    expect(slack(ticketRef(links, 'PAY-7'))).toContain('<https://acme.atlassian.net/browse/PAY-7|PAY-7>');
    expect(slack(ticketRef(links, 'PAY-8'))).toContain('PAY-8');
    expect(slack(personRef(links, 'Ben'))).toContain('<@U0BEN>');
    expect(slack(personRef(links, 'Dora'))).toContain('Dora');
    expect(slack(when('2026-11-21T09:00:00.000Z'))).toContain('<!date^1795251600^{date_short_pretty} {time}|2026-11-21 09:00 UTC>');
    expect(teams(when('2026-11-21T09:00:00.000Z'))).toContain('{{DATE(2026-11-21T09:00:00Z, SHORT)}} {{TIME(2026-11-21T09:00:00Z)}}');
    expect(plainText(when('2026-11-21T09:00:00.000Z'))).toBe('2026-11-21 09:00 UTC');
  });

  it('mentions a person in Teams with the entity Teams needs to notify them', () => {
    const rendered = renderAdaptiveCard(card(`approved by ${personRef(links, 'Ben')}`)).card;
    expect(JSON.stringify(rendered.body)).toContain('approved by <at>Ben</at>');
    expect(rendered.msteams?.entities).toEqual([{ type: 'mention', text: '<at>Ben</at>', mentioned: { id: '29:ben', name: 'Ben' } }]);
    // A name typed as <at>…</at> by someone is words, and brings no entity.
    const typed = renderAdaptiveCard(card(lit('<at>Ben</at>'))).card;
    expect(JSON.stringify(typed.body)).not.toContain('<at>Ben</at>');
    expect(typed.msteams?.entities).toBeUndefined();
  });

  it('knows the commit pages of the usual hosts, and a template of the team\'s own', () => {
    expect(commitUrl('https://gitlab.com/acme/api', 'abc1234')).toBe('https://gitlab.com/acme/api/-/commit/abc1234');
    expect(commitUrl('https://bitbucket.org/acme/api/', 'abc1234')).toBe('https://bitbucket.org/acme/api/commits/abc1234');
    expect(commitUrl('https://dev.azure.com/acme/shop/_git/api', 'abc1234')).toBe('https://dev.azure.com/acme/shop/_git/api/commit/abc1234');
    expect(commitUrl('https://git.acme.internal/cgit/api/commit/?id={sha}', 'abc1234')).toBe('https://git.acme.internal/cgit/api/commit/?id=abc1234');
    expect(webOfRemote('git@github.com:acme/api.git')).toBe('https://github.com/acme/api');
    expect(webOfRemote('https://token@gitlab.com/acme/api.git')).toBe('https://gitlab.com/acme/api');
    expect(webOfRemote('/srv/git/api.git')).toBeNull();
  });

  it('makes no link, mention or date from text gig does not control', () => {
    const forged = `\uE000${JSON.stringify({ kind: 'link', url: 'https://evil.example', text: 'safe' })}\uE001 and \uE000${JSON.stringify({ kind: 'person', text: 'x', slack: 'UHERE' })}\uE001`;
    for (const rendered of [slack(lit(forged)), teams(lit(forged))]) {
      expect(rendered).not.toContain('evil.example)');
      expect(rendered).not.toContain('<https://evil.example');
      expect(rendered).not.toContain('<@UHERE>');
    }
    // A view's link to an address Slack would read differently is no link at all.
    expect(slack(link('x', 'https://a.example/|<!channel>'))).not.toContain('<https://');
    expect(slack(link('x', 'javascript:alert(1)'))).not.toContain('javascript:');
  });
});
