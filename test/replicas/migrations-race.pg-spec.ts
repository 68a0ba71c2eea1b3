import { MIGRATIONS } from '../../migrations';
import { freshDatabase, type TestDatabase } from '../support/database';
import { startService, stopService, type RunningService } from '../support/process';

/** Replicas of a new release start together on the same database: one migrates, all come up. */
describe('three replicas starting together on an empty database', () => {
  let database: TestDatabase;
  const services: RunningService[] = [];

  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await database.drop();
  });

  it('all come up, and every migration is applied once', async () => {
    const started = await Promise.allSettled(
      [1, 2, 3].map(() => startService({ ...database.env, LOG_LEVEL: 'warn' })),
    );
    for (const s of started) if (s.status === 'fulfilled') services.push(s.value);
    expect(
      started.map((s) => (s.status === 'rejected' ? String(s.reason).slice(0, 300) : 'up')),
    ).toEqual(['up', 'up', 'up']);
    const db = await database.open({ LOG_LEVEL: 'silent' });
    try {
      const rows: { name: string; n: number }[] = await db.dataSource.query(
        `SELECT name, count(*)::int AS n FROM migrations GROUP BY name`,
      );
      expect(rows).toHaveLength(MIGRATIONS.length);
      expect(rows.every((r) => r.n === 1)).toBe(true);
    } finally {
      await db.close();
    }
  });
});
