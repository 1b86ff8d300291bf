import { Writable } from 'node:stream';
import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../src/commands/context.js';
import type { SyncResult } from '../src/engine/ports.js';
import { GigError } from '../src/errors.js';
import { createLogger, type Logger } from '../src/log.js';
import { startSchedules } from '../src/schedule/index.js';
import { periodicSync } from '../src/schedule/sync.js';

/**
 * schedule/: the periodic sync and the digests start from one place (startSchedules), all or
 * nothing, and stop together. What a digest sends and when is tested in digests.test.ts.
 */

/** A logger whose JSON lines the test reads. */
function recordingLogger(): { logger: Logger; lines: Array<{ level: number; msg: string } & Record<string, unknown>> } {
  const lines: Array<{ level: number; msg: string } & Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as never);
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

/** Just enough of a command context for the schedules: the configuration and a sync. */
function contextWith(crons: { sync: string; digests: string[] }, sync: () => Promise<SyncResult> = async () => ({ repositories: [], durationMs: 1 }) as unknown as SyncResult): CommandContext {
  return {
    config: {
      sync: { cron: crons.sync },
      digests: crons.digests.map((expression, index) => ({ name: `d${index}`, cron: expression, timezone: 'Europe/Berlin', graceMinutes: 60 })),
    },
    sync,
  } as unknown as CommandContext;
}

/** The names of the gig tasks node-cron holds right now. */
const gigTasks = (): string[] => [...cron.getTasks().values()].map((task) => task.name ?? '').filter((name) => name.startsWith('gig-')).sort();

describe('startSchedules', () => {
  it('starts the periodic sync and every digest from one place, and stops them all', async () => {
    const { logger } = recordingLogger();
    const schedules = startSchedules(contextWith({ sync: '*/5 * * * *', digests: ['0 9 * * 1-5', '0 7 * * 1'] }), {}, logger);
    try {
      expect(gigTasks()).toEqual(['gig-digest-d0', 'gig-digest-d1', 'gig-sync']);
    } finally {
      await schedules.stop();
    }
    expect(gigTasks()).toEqual([]);
  });

  it.each([
    ['the sync', { sync: 'every now and then', digests: ['0 9 * * 1-5'] }],
    ['a digest', { sync: '*/5 * * * *', digests: ['0 9 * * 1-5', 'every now and then'] }],
  ])('starts nothing when %s cannot be scheduled, and says why', (_what, crons) => {
    const { logger } = recordingLogger();
    expect(() => startSchedules(contextWith(crons), {}, logger)).toThrow();
    expect(gigTasks()).toEqual([]);
  });
});

describe('the periodic sync', () => {
  it('logs what a sync did, waits when another sync holds the database, and never throws', async () => {
    const { logger, lines } = recordingLogger();
    const outcomes: Array<() => Promise<SyncResult>> = [
      async () => ({ repositories: [{ repository: 'api', ok: true, newCommits: 3 }, { repository: 'ui', ok: false, newCommits: 0 }], durationMs: 12 }) as unknown as SyncResult,
      async () => {
        throw new GigError('SYNC_RUNNING', 'Another sync is running.');
      },
      async () => {
        throw new Error('disk full');
      },
    ];
    for (const outcome of outcomes) await periodicSync(contextWith({ sync: '*/5 * * * *', digests: [] }, outcome), logger)();
    expect(lines.map(({ level, msg }) => [level, msg])).toEqual([
      [30, 'periodic sync'],
      [30, 'periodic sync skipped'],
      [50, 'periodic sync failed'],
    ]);
    expect(lines[0]).toMatchObject({ newCommits: 3, failed: ['ui'], ms: 12 });
  });
});
