import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/database/data-source';
import { freshDatabase, type TestDatabase } from '../support/database';

/** What the connection serving `run` keeps prepared on the server. */
async function preparedOn(
  ds: DataSource,
  run: (q: (sql: string, p?: unknown[]) => Promise<unknown>) => Promise<void>,
) {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await run((sql, p) => runner.query(sql, p));
    const rows: { statement: string }[] = await runner.query(
      'SELECT statement FROM pg_prepared_statements',
    );
    return rows.map((r) => r.statement);
  } finally {
    await runner.release();
  }
}

/** DATABASE_PREPARED_STATEMENTS: statements used again are prepared once per connection. */
describe('prepared statements on real PostgreSQL', () => {
  let database: TestDatabase;
  const sources: DataSource[] = [];
  const open = async (prepared: boolean) => {
    const ds = createDataSource(database.env.DATABASE_URL, 1, 5_000, prepared);
    await ds.initialize();
    sources.push(ds);
    return ds;
  };

  beforeAll(async () => {
    database = await freshDatabase();
    const ds = await open(false);
    await ds.query('CREATE TABLE item (id int PRIMARY KEY, name text)');
    await ds.query(`INSERT INTO item VALUES (1, 'one'), (2, 'two')`);
  });
  afterAll(async () => {
    for (const ds of sources) if (ds.isInitialized) await ds.destroy();
    await database.drop();
  });

  it('prepares a parameterized statement on its second use and answers the same rows', async () => {
    const ds = await open(true);
    const answers: unknown[] = [];
    const prepared = await preparedOn(ds, async (q) => {
      answers.push(await q('SELECT name FROM item WHERE id = $1', [1]));
      answers.push(await q('SELECT name FROM item WHERE id = $1', [2]));
      answers.push(await q('SELECT name FROM item WHERE id = $1', [1]));
      answers.push(await q('SELECT count(*)::int AS n FROM item WHERE id > $1', [0]));
      await q('SELECT name FROM item ORDER BY id');
      await q('SELECT name FROM item ORDER BY id');
    });
    expect(answers).toEqual([[{ name: 'one' }], [{ name: 'two' }], [{ name: 'one' }], [{ n: 2 }]]);
    // Used twice: prepared. Used once, or without parameters (simple protocol): not.
    expect(prepared).toEqual(['SELECT name FROM item WHERE id = $1']);
  });

  it('keeps at most 256 statements prepared on one connection, and answers the rest unprepared', async () => {
    const ds = await open(true);
    const answers: number[] = [];
    const prepared = await preparedOn(ds, async (q) => {
      for (let i = 0; i < 300; i++)
        for (let twice = 0; twice < 2; twice++) {
          const [row] = (await q(`SELECT $1::int + ${i} AS n`, [1])) as { n: number }[];
          answers.push(row.n);
        }
    });
    expect(prepared).toHaveLength(256);
    expect(answers).toEqual(Array.from({ length: 600 }, (_, k) => 1 + Math.floor(k / 2)));
  });

  it('prepares nothing when switched off', async () => {
    const ds = await open(false);
    const prepared = await preparedOn(ds, async (q) => {
      for (let i = 0; i < 3; i++) await q('SELECT name FROM item WHERE id = $1', [1]);
    });
    expect(prepared).toEqual([]);
  });

  it('survives a table changed under a prepared statement: that query fails, the next prepares afresh', async () => {
    const ds = await open(true);
    const star = 'SELECT * FROM item WHERE id = $1';
    await ds.query(star, [1]);
    expect(await ds.query(star, [1])).toEqual([{ id: 1, name: 'one' }]);
    const other = await open(false);
    await other.query('ALTER TABLE item ADD COLUMN note text');
    const failed = await ds.query(star, [1]).catch((e: Error) => e);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toMatch(/cached plan must not change result type/);
    expect(await ds.query(star, [1])).toEqual([{ id: 1, name: 'one', note: null }]);
  });
});
