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
      ? { area: 'index', ok: true, detail: `synced ${asOf.slice(0, 16).replace('T', ' ')} UTC` }
      : { area: 'index', ok: false, detail: 'some repositories were never synced', fix: 'Run gig sync.' },
  );
  for (const probe of probes) checks.push(...(await probe()));
  for (const health of context.index.sourceHealth()) {
    if (health.stale) checks.push({ area: health.source, ok: false, detail: `stale since its last sync failed: ${health.error ?? 'unknown error'}`, fix: 'See the check of that source above.' });
  }
  return checks;
}
