import { humanTime, shortTime } from '../views/format.js';
import type { CommandContext } from './context.js';

/** One line of `gig doctor`: what was checked, whether it is fine, and what to do if not. */
export interface DoctorCheck {
  area: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** The checks that need the outside world; the composition root provides them. */
export type DoctorProbe = () => Promise<DoctorCheck[]>;

/** Everything gig needs, checked in one go: configuration, store, repositories, trackers, chat. */
export async function runDoctor(context: CommandContext, probes: DoctorProbe[]): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [
    { area: 'configuration', ok: true, detail: `${context.config.file}: ${context.config.repositories.length} repositories, ${context.config.environments.map((env) => env.name).join(' → ')}` },
  ];
  const asOf = context.index.asOf(context.config.repositories.map((repository) => repository.name));
  checks.push(
    asOf
      ? { area: 'index', ok: true, detail: `synced ${humanTime(asOf)}` }
      : { area: 'index', ok: false, detail: 'some repositories were never synced', fix: 'Run gig sync.' },
  );
  for (const probe of probes) checks.push(...(await probe()));
  for (const digest of context.config.digests) {
    const missed = (await context.ledger.digestRuns(digest.name, 20)).filter((run) => run.status === 'missed');
    if (missed.length > 0) {
      checks.push({
        area: `digest ${digest.name}`,
        ok: false,
        detail: `${missed.length} occurrence${missed.length === 1 ? ' was' : 's were'} never delivered: ${missed.map((run) => shortTime(run.occurrence)).join(', ')} UTC`,
        fix: `See why with gig digest list; send one again with gig digest run ${digest.name} --at <time> --force.`,
      });
    }
  }
  for (const health of context.index.sourceHealth()) {
    if (health.stale) checks.push({ area: health.source, ok: false, detail: `stale since its last sync failed: ${health.error ?? 'unknown error'}`, fix: 'See the check of that source above.' });
  }
  return checks;
}
