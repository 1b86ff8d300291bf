import pg from 'pg';
import { expect, test } from 'vitest';
import { testDatabase } from './support/postgres.js';

test('a PostgreSQL server started by the tests answers queries and gives each test its own database', async () => {
  const [first, second] = await Promise.all([testDatabase('harness first'), testDatabase('Harness-Second')]);
  expect(new URL(first).pathname).toMatch(/^\/harness_first_[0-9a-f]{12}$/);
  const a = new pg.Client({ connectionString: first });
  const b = new pg.Client({ connectionString: second });
  await Promise.all([a.connect(), b.connect()]);
  try {
    const { rows } = await a.query<{ server_version: string }>('SHOW server_version');
    expect(Number.parseInt(rows[0]!.server_version, 10)).toBeGreaterThanOrEqual(15);

    await a.query('CREATE TABLE releases (id int PRIMARY KEY)');
    await a.query('INSERT INTO releases VALUES (1)');
    expect((await a.query('SELECT id FROM releases')).rows).toEqual([{ id: 1 }]);
    await expect(b.query('SELECT id FROM releases')).rejects.toThrow(/relation "releases" does not exist/);
  } finally {
    await Promise.all([a.end(), b.end()]);
  }
});
