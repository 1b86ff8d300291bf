import type { TestProject } from 'vitest/node';
import { startPostgres } from './support/postgres.js';

/**
 * Starts one PostgreSQL server for the whole run; test files make their own databases on it
 * with testDatabase() from test/support/postgres.ts.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the run's PostgreSQL server (test/global-postgres.ts). */
    postgresUrl: string;
  }
}
