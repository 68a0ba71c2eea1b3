import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerts whose record names no device (an Alertmanager alert without any of the configured
 * device labels): kept, one row per problem, so a person sees them and fixes the mapping,
 * instead of being dropped or failing their inbox record.
 */
export class UnmatchedAlerts1765000000000 implements MigrationInterface {
  name = 'UnmatchedAlerts1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE unmatched_alert (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      instance_id uuid NOT NULL REFERENCES connector_instance(id) ON DELETE CASCADE,
      problem_key text NOT NULL,
      client_id uuid REFERENCES client(id) ON DELETE SET NULL,
      kind text NOT NULL,
      subject text,
      severity text,
      message text,
      reason text NOT NULL,
      inbox_id bigint,
      occurrences integer NOT NULL DEFAULT 1,
      first_seen_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      resolved_at timestamptz,
      UNIQUE (instance_id, problem_key)
    )`);
    await q.query(
      `CREATE INDEX unmatched_alert_open ON unmatched_alert (last_seen_at DESC) WHERE resolved_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE unmatched_alert`);
  }
}
