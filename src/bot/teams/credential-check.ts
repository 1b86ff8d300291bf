import { ConfigError, UpstreamError } from '../../errors.js';
import type { GigEnvironment } from '../../config.js';

const HOW_TO_FIX =
  "Check MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD (a client secret of the bot's app registration that has not expired) and MICROSOFT_APP_TENANT_ID (README, \"Microsoft Teams\").";

/**
 * Asks Microsoft Entra for a Bot Framework token with the bot's credentials (client credentials,
 * scope https://api.botframework.com/.default), as the Bot Connector will: a refusal
 * (invalid_client, unauthorized_client, a tenant that does not know the app) is a configuration
 * error; no answer is an upstream one. Managed identities (UserAssignedMSI) have no secret to check.
 */
export async function teamsCredential(env: GigEnvironment, fetcher: typeof fetch = fetch): Promise<void> {
  if (env.MICROSOFT_APP_TYPE === 'UserAssignedMSI') return;
  const tenant = env.MICROSOFT_APP_TYPE === 'MultiTenant' ? 'botframework.com' : env.MICROSOFT_APP_TENANT_ID;
  const base = (env.MICROSOFT_LOGIN_URL ?? 'https://login.microsoftonline.com').replace(/\/+$/, '');
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: env.MICROSOFT_APP_ID ?? '',
    client_secret: env.MICROSOFT_APP_PASSWORD ?? '',
    scope: 'https://api.botframework.com/.default',
  });
  let response: Response;
  try {
    response = await fetcher(`${base}/${encodeURIComponent(tenant ?? '')}/oauth2/v2.0/token`, { method: 'POST', body, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new UpstreamError(`Microsoft Entra did not answer for the Teams bot's token: ${(error as Error).message}`, { cause: error });
  }
  if (response.ok) {
    await response.arrayBuffer().catch(() => undefined);
    return;
  }
  const answer = (await response.json().catch(() => ({}))) as { error?: string };
  if (response.status >= 500 || response.status === 429) throw new UpstreamError(`Microsoft Entra answered ${response.status} for the Teams bot's token.`);
  throw new ConfigError(`Microsoft Entra refused the Teams bot's credentials: ${answer.error ?? `HTTP ${response.status}`}.`, HOW_TO_FIX);
}
