import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Correlation: rule overrides, client ↔ instance routing, suspects, alerts, deferred checks. */
export class AddCorrelation1764100000000 implements MigrationInterface {
  name = 'AddCorrelation1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rule_override (
        client_id uuid PRIMARY KEY REFERENCES client(id) ON DELETE CASCADE,
        settings jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE client_route (
        client_id uuid NOT NULL REFERENCES client(id) ON DELETE CASCADE,
        instance_id uuid NOT NULL REFERENCES connector_instance(id) ON DELETE CASCADE,
        purpose text NOT NULL,
        PRIMARY KEY (client_id, instance_id, purpose)
      );

      CREATE TABLE maintenance_window (
        id uuid PRIMARY KEY,
        client_id uuid REFERENCES client(id) ON DELETE CASCADE,
        device_id uuid REFERENCES device(id) ON DELETE CASCADE,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        reason text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_at > starts_at),
        CHECK (client_id IS NOT NULL OR device_id IS NOT NULL)
      );
      CREATE INDEX maintenance_window_device_idx ON maintenance_window (device_id, ends_at);
      CREATE INDEX maintenance_window_client_idx ON maintenance_window (client_id, ends_at);

      CREATE TABLE incident_suspect (
        id uuid PRIMARY KEY,
        incident_id uuid NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
        patch_event_id bigint NOT NULL,
        kind text NOT NULL,
        patch_id text,
        title text,
        occurred_at timestamptz NOT NULL,
        rank integer NOT NULL,
        score real NOT NULL,
        reasons jsonb NOT NULL DEFAULT '[]',
        status text NOT NULL DEFAULT 'suspected',
        decided_by text,
        decided_at timestamptz,
        UNIQUE (incident_id, patch_event_id)
      );
      CREATE INDEX incident_suspect_patch_idx ON incident_suspect (patch_id, occurred_at DESC) WHERE patch_id IS NOT NULL;

      CREATE TABLE alert_link (
        id uuid PRIMARY KEY,
        incident_id uuid NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
        instance_id uuid NOT NULL REFERENCES connector_instance(id) ON DELETE CASCADE,
        problem_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (incident_id, instance_id, problem_id)
      );

      CREATE TABLE deferred_check (
        id uuid PRIMARY KEY,
        device_id uuid NOT NULL REFERENCES device(id) ON DELETE CASCADE,
        kind text NOT NULL,
        due_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        data jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz
      );
      CREATE INDEX deferred_check_due_idx ON deferred_check (due_at) WHERE status = 'pending';
      CREATE INDEX deferred_check_device_idx ON deferred_check (device_id) WHERE status = 'pending';

      CREATE TABLE device_timeline (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        device_id uuid NOT NULL REFERENCES device(id) ON DELETE CASCADE,
        at timestamptz NOT NULL,
        kind text NOT NULL,
        text text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}'
      );
      CREATE INDEX device_timeline_device_idx ON device_timeline (device_id, at DESC);

      ALTER TABLE incident ADD COLUMN suppressed boolean NOT NULL DEFAULT false;
      DROP INDEX incident_open_device_idx;
      CREATE UNIQUE INDEX incident_open_device_idx ON incident (device_id)
        WHERE state <> 'resolved' AND device_id IS NOT NULL;
      CREATE INDEX incident_state_idx ON incident (state, opened_at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX incident_state_idx;
      DROP INDEX incident_open_device_idx;
      CREATE UNIQUE INDEX incident_open_device_idx ON incident (device_id) WHERE state <> 'resolved' AND parent_id IS NULL AND device_id IS NOT NULL AND cause <> 'patch-wave';
      ALTER TABLE incident DROP COLUMN suppressed;
      DROP TABLE device_timeline, deferred_check, alert_link, incident_suspect, maintenance_window, client_route, rule_override;
    `);
  }
}
