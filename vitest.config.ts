import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One build of gig for the tests that run it as a child process (test/global-build.ts), and one
    // PostgreSQL server on which test files make their own databases (test/global-postgres.ts).
    globalSetup: ['test/global-build.ts', 'test/global-postgres.ts'],
    // Tests build real git repositories and SQLite files; on a 2-core machine a few at a time is fastest.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
