import type { DoctorCheck, DoctorProbe } from '../commands/doctor.js';
import { loadEnvironment } from '../config.js';
import { toGigError } from '../errors.js';
import type { App } from '../main.js';
import { GitRepository } from '../sources/git/repository.js';

/**
 * The outside-world checks of `gig doctor`: git repositories, Jira, GitHub, Slack and Teams
 * settings, from the environment the app loaded (tests may hand other variables).
 */
export function doctorProbes(app: App, variables?: NodeJS.ProcessEnv): DoctorProbe[] {
  const env = variables === undefined ? app.env : loadEnvironment(variables);
  const guard = async (area: string, check: () => Promise<DoctorCheck>): Promise<DoctorCheck> => {
    try {
      return await check();
    } catch (error) {
      const gigError = toGigError(error);
      return { area, ok: false, detail: gigError.message, ...(gigError.hint ? { fix: gigError.hint } : {}) };
    }
  };
  return [
    async () => [
      app.stores.postgres
        ? await guard('ledger', async () => {
            const { postgresHealth } = await import('../store/postgres/health.js');
            const health = await postgresHealth(app.stores.postgres!);
            const current = health.schema === health.expected;
            return {
              area: 'ledger',
              ok: current && health.missing.length === 0,
              detail: `PostgreSQL ${health.server} at ${health.where}, schema ${health.schema} of ${health.expected}${health.missing.length > 0 ? `; the role may not: ${health.missing.join(', ')}` : ''}`,
              ...(!current
                ? { fix: 'Every replica must run the same gig version.' }
                : health.missing.length > 0
                  ? { fix: 'GRANT the privileges listed to the role in GIG_DATABASE_URL (docs/replicas.md).' }
                  : {}),
            };
          })
        : { area: 'ledger', ok: true, detail: `in the SQLite file ${app.db.name}` },
    ],
    async () =>
      Promise.all(
        app.config.repositories
          .filter((repository) => repository.source.kind === 'path')
          .map((repository) =>
            guard(`git ${repository.name}`, async () => {
              await GitRepository.open(app.git, (repository.source as { path: string }).path);
              return { area: `git ${repository.name}`, ok: true, detail: 'readable' };
            }),
          ),
      ),
    async () => {
      if (!app.config.jira) return [];
      return [
        await guard('jira', async () => {
          const { JiraSource } = await import('../sources/jira/jira-source.js');
          const who = await new JiraSource(app.config.jira!, env).whoAmI();
          return { area: 'jira', ok: true, detail: `authenticated as ${who} at ${env.JIRA_BASE_URL}` };
        }),
      ];
    },
    async () => {
      if (!app.github) return [];
      return [
        await guard('github', async () => {
          const limit = await app.github!.rateLimit();
          const low = limit.remaining < limit.limit / 10;
          return {
            area: 'github',
            ok: !low,
            detail: `${env.GITHUB_TOKEN ? 'authenticated' : 'anonymous'}, ${limit.remaining}/${limit.limit} requests left until ${limit.reset.slice(11, 16)} UTC`,
            ...(low ? { fix: 'Wait for the reset, or use a token with a higher limit.' } : {}),
          };
        }),
      ];
    },
    async () => [
      env.SLACK_BOT_TOKEN && (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN)
        ? await guard('slack', async () => {
            // Asks Slack: a token that is set is not a token that works.
            const [{ slackClient }, { slackIdentity }] = await Promise.all([import('../bot/slack/sender.js'), import('../bot/slack/credential-check.js')]);
            const who = await slackIdentity(slackClient(env.SLACK_BOT_TOKEN!, env, { retries: 1, minTimeout: 500, maxTimeout: 1000 }));
            return { area: 'slack', ok: true, detail: `bot @${who.user} in ${who.team} (${env.SLACK_APP_TOKEN ? 'Socket Mode' : 'HTTP, signing secret set'})` };
          })
        : { area: 'slack', ok: false, detail: 'not configured', fix: 'Set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (README, "Slack"), if the team uses Slack.' },
      env.MICROSOFT_APP_ID
        ? await guard('teams', async () => {
            const [{ appType, teamsSettings }, { teamsCredential }] = await Promise.all([import('../bot/teams/adapter.js'), import('../bot/teams/credential-check.js')]);
            teamsSettings(env);
            // Asks Microsoft Entra for a Bot Framework token, as the Bot Connector will.
            await teamsCredential(env);
            const kind = appType(env);
            return { area: 'teams', ok: Boolean(env.MICROSOFT_APP_PASSWORD), detail: `token issued for app ${env.MICROSOFT_APP_ID}, ${kind}${env.MICROSOFT_APP_TENANT_ID ? ` in tenant ${env.MICROSOFT_APP_TENANT_ID}` : ''}${env.MICROSOFT_APP_PASSWORD ? '' : ' (no MICROSOFT_APP_PASSWORD)'}` };
          })
        : { area: 'teams', ok: false, detail: 'not configured', fix: 'Set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (README, "Microsoft Teams"), if the team uses Teams.' },
    ],
  ];
}
