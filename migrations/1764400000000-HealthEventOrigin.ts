import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where a health event came from, as data: reported by monitoring, or found by a verification
 * (the post-patch service check). Earlier rows of the check are recognised by their text once,
 * here, so no code has to read message text again. And whether it was history when read (a
 * problem already closed when a first sync read it): kept, never news.
 */
export class HealthEventOrigin1764400000000 implements MigrationInterface {
  name = 'HealthEventOrigin1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE health_event ADD COLUMN origin text NOT NULL DEFAULT 'monitoring'
         CHECK (origin IN ('monitoring', 'verification'))`,
    );
    await q.query(`ALTER TABLE health_event ADD COLUMN history boolean NOT NULL DEFAULT false`);
    await q.query(
      `UPDATE health_event SET origin = 'verification'
        WHERE inbox_id IS NULL AND message LIKE 'post-patch verification:%'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE health_event DROP COLUMN history`);
    await q.query(`ALTER TABLE health_event DROP COLUMN origin`);
  }
}
