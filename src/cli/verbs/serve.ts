import type { Command } from 'commander';
import { openCliApp, type RunOutput } from '../run.js';

/** `gig serve`: the Slack and Teams bots, the deployment hook and gig's schedules, until stopped. */
export function registerServe(program: Command, out: RunOutput): void {
  program
    .command('serve')
    .description('run the Slack bot, the deployment hook and the periodic sync on one HTTP server')
    .option('--port <port>', 'the port (default: $PORT or 3000)')
    .addHelpText('after', '\nNeeds SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode); see README, "Slack".\nExample:\n  PORT=3000 gig --config gig.config.yaml serve')
    .action(async (options: { port?: string }, command: Command) => {
      // A long-running writer: the integrity check runs once, at start.
      const app = await openCliApp(command, out.io, 'always');
      try {
        // Loaded here, not at the top: the Slack SDK is heavy and no other command needs it.
        const [{ createLogger }, { startServer }, { startSchedules }] = await Promise.all([
          import('../../log.js'),
          import('../../bot/server.js'),
          import('../../schedule/index.js'),
        ]);
        const logger = createLogger(out.io.env.LOG_LEVEL ?? 'info');
        const server = await startServer({
          app,
          env: app.env,
          logger,
          alongside: (senders) => startSchedules(app.context, senders, logger),
          ...(options.port ? { port: Number(options.port) } : {}),
        });
        out.print(`gig is serving on ${server.url} (POST /slack/events, POST /hooks/deployments, GET /healthz); Ctrl-C stops it`);
        await new Promise<void>((done) => {
          const stop = (): void => void server.close().then(done);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      } finally {
        app.close();
      }
    });
}
