import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What keeps Switchboard from overrunning a tool: an optional request budget per instance
 * (calls per rolling hour, counted per minute by every replica) and the circuit breaker that
 * pauses an instance whose calls keep failing.
 */
export class VendorGuards1764900000000 implements MigrationInterface {
  name = 'VendorGuards1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE connector_instance ADD COLUMN requests_per_hour integer CHECK (requests_per_hour > 0)`,
    );
    await q.query(`CREATE TABLE connector_request_budget (
      instance_id uuid NOT NULL REFERENCES connector_instance(id) ON DELETE CASCADE,
      minute timestamptz NOT NULL,
      used integer NOT NULL,
      PRIMARY KEY (instance_id, minute)
    )`);
    await q.query(`CREATE TABLE connector_circuit (
      instance_id uuid PRIMARY KEY REFERENCES connector_instance(id) ON DELETE CASCADE,
      consecutive_failures integer NOT NULL DEFAULT 0,
      open_until timestamptz,
      opened_at timestamptz,
      times_opened integer NOT NULL DEFAULT 0,
      last_failure text,
      last_failure_at timestamptz
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE connector_circuit`);
    await q.query(`DROP TABLE connector_request_budget`);
    await q.query(`ALTER TABLE connector_instance DROP COLUMN requests_per_hour`);
  }
}
