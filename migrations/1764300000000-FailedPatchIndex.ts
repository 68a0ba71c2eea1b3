import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "Did this patch fail on other devices lately?" is asked on every post-patch outage; on a patch
 * night one KB has tens of thousands of successful installs in the window, so the failed ones
 * get their own small index.
 */
export class FailedPatchIndex1764300000000 implements MigrationInterface {
  name = 'FailedPatchIndex1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX patch_event_failed_idx ON patch_event (patch_id, occurred_at DESC) WHERE status = 'failed' AND patch_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX patch_event_failed_idx`);
  }
}
