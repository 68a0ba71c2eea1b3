import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rollback as an object of its own (state, steps, who asked and who approved), the KBs blocked
 * per client after a rollback, the rules that say a patch cannot be removed, the client's
 * approval setting, and what readiness needs to know of a device: whether it is online, when
 * it last booted and whether it waits for a reboot. A health event keeps the check that said it.
 */
export class Rollbacks1764700000000 implements MigrationInterface {
  name = 'Rollbacks1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE device ADD COLUMN online boolean`);
    await q.query(`ALTER TABLE device ADD COLUMN online_at timestamptz`);
    await q.query(`ALTER TABLE device ADD COLUMN last_boot_at timestamptz`);
    await q.query(`ALTER TABLE device ADD COLUMN reboot_pending boolean`);
    await q.query(`ALTER TABLE device ADD COLUMN reboot_pending_at timestamptz`);
    await q.query(`ALTER TABLE device ADD COLUMN reboot_pending_reason text`);
    await q.query(`ALTER TABLE health_event ADD COLUMN "check" text`);
    await q.query(
      `ALTER TABLE client ADD COLUMN rollback_requires_approval boolean NOT NULL DEFAULT false`,
    );
    await q.query(`CREATE TABLE rollback (
      id uuid PRIMARY KEY,
      incident_id uuid NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
      batch_id uuid,
      device_id uuid NOT NULL,
      client_id uuid,
      instance_id uuid,
      external_device_id text,
      patch_id text NOT NULL,
      state text NOT NULL CHECK (state IN ('requested', 'awaiting-approval', 'waiting-for-device',
        'running', 'verifying', 'succeeded', 'failed', 'refused')),
      reason text,
      requested_by text NOT NULL,
      requested_by_token uuid,
      approved_by text,
      when_online boolean NOT NULL DEFAULT false,
      preflight jsonb NOT NULL DEFAULT '[]',
      plan jsonb,
      job_id text,
      outbox_id bigint,
      result jsonb,
      verification jsonb,
      steps jsonb NOT NULL DEFAULT '[]',
      next_check_at timestamptz,
      deadline_at timestamptz,
      lease_until timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )`);
    // One rollback at a time per device, whatever replica or click asks.
    await q.query(
      `CREATE UNIQUE INDEX rollback_one_active_per_device ON rollback (device_id)
         WHERE state IN ('requested', 'awaiting-approval', 'waiting-for-device', 'running', 'verifying')`,
    );
    await q.query(`CREATE INDEX rollback_incident_idx ON rollback (incident_id)`);
    await q.query(
      `CREATE INDEX rollback_due_idx ON rollback (next_check_at)
         WHERE state IN ('waiting-for-device', 'running', 'verifying')`,
    );
    await q.query(`CREATE TABLE blocked_patch (
      id uuid PRIMARY KEY,
      client_id uuid NOT NULL REFERENCES client(id) ON DELETE CASCADE,
      patch_id text NOT NULL,
      reason text NOT NULL,
      blocked_by text NOT NULL,
      rollback_id uuid,
      device_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (client_id, patch_id)
    )`);
    await q.query(`CREATE TABLE unremovable_patch_rule (
      id uuid PRIMARY KEY,
      match text NOT NULL CHECK (match IN ('patch-id', 'title')),
      pattern text NOT NULL,
      reason text NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (match, pattern)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE unremovable_patch_rule`);
    await q.query(`DROP TABLE blocked_patch`);
    await q.query(`DROP TABLE rollback`);
    await q.query(`ALTER TABLE client DROP COLUMN rollback_requires_approval`);
    await q.query(`ALTER TABLE health_event DROP COLUMN "check"`);
    for (const column of [
      'reboot_pending_reason',
      'reboot_pending_at',
      'reboot_pending',
      'last_boot_at',
      'online_at',
      'online',
    ])
      await q.query(`ALTER TABLE device DROP COLUMN ${column}`);
  }
}
