import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "Was this reboot already verified?" looks at done checks too, per device and kind: an index
 * over all of a device's checks, not only the pending ones.
 */
export class DeferredCheckHistory1764200000000 implements MigrationInterface {
  name = 'DeferredCheckHistory1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX deferred_check_device_kind_due_idx ON deferred_check (device_id, kind, due_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deferred_check_device_kind_due_idx`);
  }
}
