import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import { runDeployed } from '../../commands/record.js';
import type { GigEnvironment } from '../../config.js';
import { toGigError } from '../../errors.js';
import type { App } from '../../main.js';
import type { Logger } from '../../log.js';
import { sendError, sendGigError } from './errors.js';
import { refusals } from '../../views/http-refusals.js';

/** The largest deployment report read; a larger one is answered 413 before gig looks at it. */
export const HOOK_BODY_LIMIT = '64kb';

/**
 * What CI reports. Field errors are worded like the configuration's (config.ts): the key, then what
 * it must be. Unknown keys are dropped, so CI systems that send more than this keep working.
 */
const deploymentReport = z.object(
  {
    repository: z.string({ error: 'must be the name of a configured repository' }).min(1, { error: 'must not be empty' }).max(200, { error: 'is too long for a repository name' }),
    environment: z.string({ error: 'must be the name of an environment, such as uat' }).min(1, { error: 'must not be empty' }).max(200, { error: 'is too long for an environment name' }),
    sha: z.string({ error: 'must be the commit SHA the environment runs' }).min(1, { error: 'must not be empty' }).max(64, { error: 'is longer than a commit SHA' }),
    at: z.string({ error: 'must be an ISO 8601 time with a zone, such as 2026-11-20T16:00:00Z' }).max(64, { error: 'is too long for a time' }).nullish(),
    by: z.string({ error: 'must be the name of whoever deployed' }).max(200, { error: 'is too long for a name' }).nullish(),
  },
  { error: 'must be a JSON object' },
);

function describe(issue: z.core.$ZodIssue): string {
  const key = issue.path.map(String).join('.') || 'the body';
  const required = issue.code === 'invalid_type' && issue.input === undefined && issue.path.length > 0;
  return `${key}: ${required ? 'is required' : issue.message}`;
}

/**
 * POST /hooks/deployments: CI reports `{repository, environment, sha, at}` with
 * `Authorization: Bearer <GIG_DEPLOY_HOOK_SECRET>`. The secret is checked before a byte of the body
 * is read, the body is read up to 64 KB and validated, and the deployment row is written before
 * the 201 goes out.
 */
export function deploymentHook(app: App, env: GigEnvironment, logger: Logger): RequestHandler[] {
  return [requireHookSecret(env.GIG_DEPLOY_HOOK_SECRET), express.json({ limit: HOOK_BODY_LIMIT, strict: false, type: () => true }), record(app, logger)];
}

function requireHookSecret(secret: string | undefined): RequestHandler {
  // Digests of equal length, so the comparison takes the same time whatever was sent.
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  const expected = secret === undefined ? null : digest(secret);
  return (request, response, next) => {
    if (expected === null) {
      sendError(response, 404, refusals.hookOff());
      return;
    }
    const given = String(request.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    if (!timingSafeEqual(digest(given), expected)) {
      sendError(response, 401, refusals.hookSecret());
      return;
    }
    next();
  };
}

function record(app: App, logger: Logger): RequestHandler {
  return async (request, response) => {
    // reportInput: without it zod leaves `input` out of issues, and a wrong type would read as "is required".
    const parsed = deploymentReport.safeParse(request.body, { reportInput: true });
    if (!parsed.success) {
      sendError(response, 400, refusals.hookBody(parsed.error.issues.slice(0, 5).map(describe)));
      return;
    }
    const report = parsed.data;
    try {
      const result = await runDeployed(app.context, {
        repository: report.repository,
        environment: report.environment,
        sha: report.sha,
        ...(typeof report.at === 'string' ? { at: report.at } : {}),
        ...(typeof report.by === 'string' ? { by: report.by } : {}),
        source: 'hook',
      });
      response.status(201).json(result);
    } catch (error) {
      const gigError = toGigError(error);
      logger.warn({ code: gigError.code }, 'deployment hook refused');
      sendGigError(response, gigError, logger);
    }
  };
}
