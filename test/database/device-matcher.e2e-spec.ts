import type { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { resolveDevice } from '../../src/inventory/device-matcher';
import { Device } from '../../src/inventory/entities/device.entity';
import type { OpenedDatabase } from '../../src/database/open-database';
import { freshDatabase, type TestDatabase } from '../support/database';

/** A device found again by its link reads as the ORM reads it: every column, same values. */
describe('device matcher on the database', () => {
  let database: TestDatabase;
  let db: OpenedDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    database = await freshDatabase();
    db = await database.open({ LOG_LEVEL: 'silent' });
    ds = db.dataSource;
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  it('returns the linked device with every column the entity has', async () => {
    const instanceId = randomUUID();
    await ds.query(
      `INSERT INTO connector_instance (id, kind, name)
       VALUES ($1, 'generic', 'feed')`,
      [instanceId],
    );
    const ref = { hostname: 'SRV-01', externalId: 'dev-1' };
    const created = await ds.transaction((m) =>
      resolveDevice(m, instanceId, ref, { clientId: null, role: 'server', os: 'Windows' }),
    );
    await ds.query(
      `UPDATE device SET online = false, online_at = now(), last_boot_at = now(),
              reboot_pending = true, reboot_pending_at = now(), reboot_pending_reason = 'patch'
        WHERE id = $1`,
      [created.id],
    );
    const again = await ds.transaction((m) =>
      resolveDevice(m, instanceId, ref, { clientId: null }),
    );
    const stored = await ds.getRepository(Device).findOneByOrFail({ id: created.id });
    expect(again).toStrictEqual(stored);
    expect(again.rebootPendingReason).toBe('patch');
  });
});
