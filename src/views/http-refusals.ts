import { GigError } from '../errors.js';

/**
 * The words of gig's HTTP refusals, in one place. Each is a GigError, so every route answers the
 * same small JSON shape (views/error-text.ts errorJson): what is wrong and what to do, never a
 * stack trace, a file path or a detail of the request's body.
 */
export const refusals = {
  notFound: (): GigError =>
    new GigError('NOT_FOUND', 'gig serves nothing at this address.', {
      hint: 'gig answers POST /slack/events, POST /api/messages, POST /hooks/deployments and GET /healthz.',
    }),
  tooLarge: (limit: string): GigError =>
    new GigError('USAGE', `The request body is larger than ${limit}.`, { hint: `Send at most ${limit}.` }),
  notJson: (): GigError =>
    new GigError('USAGE', 'The request body is not valid JSON.', { hint: 'Send a JSON object with content-type: application/json.' }),
  unreadable: (): GigError =>
    new GigError('USAGE', 'The request body could not be read.', { hint: 'Send it again, uncompressed or gzip, in UTF-8.' }),
  internal: (): GigError =>
    new GigError('INTERNAL', 'gig hit a problem answering this request; the details are in its log.', {
      hint: 'Try again; if it persists, run `gig doctor` and read the log of gig serve.',
    }),
  unhealthy: (): GigError =>
    new GigError('STORE_UNAVAILABLE', 'gig cannot read its database.', {
      hint: 'Run `gig doctor` and read the log of gig serve. A shared PostgreSQL ledger is reconnected by itself once it answers; a damaged SQLite file needs gig serve restarted once it is readable.',
    }),
  /** Said in chat when the ledger cannot be reached: nothing was done, so trying again is safe. */
  storeDown: (): GigError =>
    new GigError('STORE_UNAVAILABLE', 'gig cannot reach its database right now, so it did nothing with this.', {
      hint: 'Try again in a minute. If it persists, tell whoever runs gig: `gig doctor` says what is wrong.',
    }),
  hookOff: (): GigError =>
    new GigError('NOT_FOUND', 'The deployment hook is off.', { hint: 'Set GIG_DEPLOY_HOOK_SECRET (16 characters or more) to turn it on.' }),
  hookSecret: (): GigError =>
    new GigError('NOT_ALLOWED', 'Missing or wrong deployment hook secret.', { hint: 'Send Authorization: Bearer <GIG_DEPLOY_HOOK_SECRET>.' }),
  hookBody: (problems: string[]): GigError =>
    new GigError('USAGE', `The deployment report is not valid: ${problems.join('; ')}.`, {
      hint: 'Send {"repository": "orders-service", "environment": "uat", "sha": "<commit>", "at": "2026-11-20T16:00:00Z"} (README, "Deployment evidence from CI").',
    }),
  slackUnsigned: (): GigError =>
    new GigError('NOT_ALLOWED', 'This request is not signed by Slack, or its signature is more than 5 minutes from now.', {
      hint: 'Slack signs every request with the app\'s signing secret; check SLACK_SIGNING_SECRET and the clock of this host.',
    }),
  slackMalformed: (problem: string): GigError =>
    new GigError('USAGE', `This Slack request cannot be read: ${problem}.`, { hint: 'gig reads slash commands, block actions and view submissions as Slack sends them.' }),
  teamsUnauthenticated: (): GigError =>
    new GigError('NOT_ALLOWED', 'This Teams request is not authenticated.', { hint: 'The Bot Framework sends Authorization: Bearer <token>; check MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD.' }),
  teamsMalformed: (problem: string): GigError =>
    new GigError('USAGE', `This is not a Bot Framework activity gig can read: ${problem}.`, { hint: 'gig reads Teams messages, card actions and conversation updates as the Bot Connector sends them.' }),
  teamsUnsupported: (): GigError =>
    new GigError('USAGE', 'gig does not handle this kind of Teams request.', { hint: 'gig answers messages, Adaptive Card actions and conversation updates.' }),
} as const;

/** Said to a Teams user whose card action arrives a second time (a retry or a replay): nothing is done twice. */
export const TEAMS_REPLAY_TEXT = 'gig already handled this action.';
