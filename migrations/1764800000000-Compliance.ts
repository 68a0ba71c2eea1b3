import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Patch compliance, kept current as patch events arrive: each device's latest word on each
 * patch (`device_patch`) and its summary (`device_patch_summary`: missing, failed, oldest
 * missing critical, last install), so a page reads one row per device instead of its history.
 * The service fills the summaries of existing devices at start. Risk rules (the default and
 * per client) and the daily snapshots behind the 30-day trend.
 */
export class Compliance1764800000000 implements MigrationInterface {
  name = 'Compliance1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE patch_event ADD COLUMN category text`);
    await q.query(`CREATE TABLE device_patch (
      device_id uuid NOT NULL REFERENCES device(id) ON DELETE CASCADE,
      patch_key text NOT NULL,
      patch_id text NOT NULL,
      title text,
      severity text,
      category text,
      status text NOT NULL,
      status_at timestamptz NOT NULL,
      missing_since timestamptz,
      PRIMARY KEY (device_id, patch_key)
    )`);
    await q.query(`CREATE TABLE device_patch_summary (
      device_id uuid PRIMARY KEY REFERENCES device(id) ON DELETE CASCADE,
      missing integer NOT NULL DEFAULT 0,
      missing_critical integer NOT NULL DEFAULT 0,
      missing_important integer NOT NULL DEFAULT 0,
      oldest_missing_at timestamptz,
      oldest_critical_at timestamptz,
      failed integer NOT NULL DEFAULT 0,
      last_installed_at timestamptz,
      last_report_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE compliance_rule (
      scope text PRIMARY KEY,
      settings jsonb NOT NULL,
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE compliance_snapshot (
      day date NOT NULL,
      client_id uuid NOT NULL REFERENCES client(id) ON DELETE CASCADE,
      devices integer NOT NULL,
      by_risk jsonb NOT NULL,
      taken_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (day, client_id)
    )`);
    await q.query(`INSERT INTO device_patch
        (device_id, patch_key, patch_id, title, severity, status, status_at, missing_since)
      SELECT DISTINCT ON (device_id, upper(patch_id)) device_id, upper(patch_id), patch_id,
             title, severity, status, occurred_at,
             CASE WHEN status IN ('pending', 'approved') THEN occurred_at END
        FROM patch_event WHERE patch_id IS NOT NULL AND status <> 'rebooted'
       ORDER BY device_id, upper(patch_id), occurred_at DESC, id DESC`);
    // Missing since the first report of the run of "missing" reports that is still going on.
    await q.query(`UPDATE device_patch p SET missing_since = (
        SELECT min(e.occurred_at) FROM patch_event e
         WHERE e.device_id = p.device_id AND upper(e.patch_id) = p.patch_key
           AND e.status IN ('pending', 'approved')
           AND e.occurred_at > COALESCE((
             SELECT max(x.occurred_at) FROM patch_event x
              WHERE x.device_id = p.device_id AND upper(x.patch_id) = p.patch_key
                AND x.status NOT IN ('pending', 'approved', 'rebooted')), '-infinity'))
      WHERE p.missing_since IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE compliance_snapshot`);
    await q.query(`DROP TABLE compliance_rule`);
    await q.query(`DROP TABLE device_patch_summary`);
    await q.query(`DROP TABLE device_patch`);
    await q.query(`ALTER TABLE patch_event DROP COLUMN category`);
  }
}
