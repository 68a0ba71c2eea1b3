import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The canonical model, inbox, outbox, access and audit. */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE client (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        name_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE connector_instance (
        id uuid PRIMARY KEY,
        kind text NOT NULL,
        name text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        settings jsonb NOT NULL DEFAULT '{}',
        secrets_enc text,
        webhook_secret_enc text,
        poll_interval_seconds integer,
        next_poll_at timestamptz,
        poll_lease_owner text,
        poll_lease_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX connector_instance_due_idx ON connector_instance (next_poll_at) WHERE enabled;

      CREATE TABLE client_link (
        id uuid PRIMARY KEY,
        client_id uuid NOT NULL REFERENCES client(id) ON DELETE CASCADE,
        instance_id uuid NOT NULL REFERENCES connector_instance(id) ON DELETE CASCADE,
        external_id text NOT NULL,
        UNIQUE (instance_id, external_id)
      );

      CREATE TABLE device (
        id uuid PRIMARY KEY,
        client_id uuid REFERENCES client(id) ON DELETE SET NULL,
        display_name text NOT NULL,
        hostname_key text,
        fqdn_key text,
        ip text,
        serial_key text,
        role text,
        os text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX device_client_idx ON device (client_id);
      CREATE INDEX device_hostname_idx ON device (hostname_key);
      CREATE INDEX device_fqdn_idx ON device (fqdn_key);
      CREATE INDEX device_ip_idx ON device (ip);
      CREATE INDEX device_serial_idx ON device (serial_key);

      CREATE TABLE device_link (
        id uuid PRIMARY KEY,
        device_id uuid NOT NULL REFERENCES device(id) ON DELETE CASCADE,
        instance_id uuid NOT NULL REFERENCES connector_instance(id) ON DELETE CASCADE,
        external_key text NOT NULL,
        external_id text,
        hostname text,
        fqdn text,
        ip text,
        serial text,
        matched_by text NOT NULL,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (instance_id, external_key)
      );
      CREATE INDEX device_link_device_idx ON device_link (device_id);

      CREATE TABLE inbox_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        instance_id uuid NOT NULL REFERENCES connector_instance(id) ON DELETE CASCADE,
        dedupe_key text NOT NULL,
        record_type text NOT NULL,
        source text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        error text,
        received_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz,
        UNIQUE (instance_id, dedupe_key)
      );
      CREATE INDEX inbox_event_pending_idx ON inbox_event (id) WHERE status = 'pending';
      CREATE INDEX inbox_event_failed_idx ON inbox_event (id) WHERE status = 'failed';

      CREATE TABLE patch_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        device_id uuid NOT NULL REFERENCES device(id) ON DELETE CASCADE,
        client_id uuid,
        instance_id uuid NOT NULL,
        inbox_id bigint,
        source_id text,
        patch_id text,
        title text,
        severity text,
        status text NOT NULL,
        reboot_required boolean,
        message text,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX patch_event_device_time_idx ON patch_event (device_id, occurred_at DESC);
      CREATE INDEX patch_event_patch_time_idx ON patch_event (patch_id, occurred_at DESC) WHERE patch_id IS NOT NULL;

      CREATE TABLE health_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        device_id uuid NOT NULL REFERENCES device(id) ON DELETE CASCADE,
        client_id uuid,
        instance_id uuid NOT NULL,
        inbox_id bigint,
        source_id text,
        kind text NOT NULL,
        subject text,
        severity text,
        problem_id text,
        message text,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX health_event_device_time_idx ON health_event (device_id, occurred_at DESC);

      CREATE TABLE incident (
        id uuid PRIMARY KEY,
        key text NOT NULL UNIQUE,
        parent_id uuid REFERENCES incident(id) ON DELETE SET NULL,
        client_id uuid REFERENCES client(id) ON DELETE SET NULL,
        device_id uuid REFERENCES device(id) ON DELETE SET NULL,
        state text NOT NULL,
        cause text NOT NULL,
        title text NOT NULL,
        confidence real NOT NULL DEFAULT 0,
        details jsonb NOT NULL DEFAULT '{}',
        opened_at timestamptz NOT NULL,
        resolved_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX incident_open_device_idx ON incident (device_id) WHERE state <> 'resolved' AND parent_id IS NULL AND device_id IS NOT NULL AND cause <> 'patch-wave';
      CREATE INDEX incident_client_idx ON incident (client_id, opened_at DESC);
      CREATE INDEX incident_device_idx ON incident (device_id, opened_at DESC);

      CREATE TABLE incident_timeline (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        incident_id uuid NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
        at timestamptz NOT NULL,
        kind text NOT NULL,
        text text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}'
      );
      CREATE INDEX incident_timeline_incident_idx ON incident_timeline (incident_id, at);

      CREATE TABLE ticket_link (
        id uuid PRIMARY KEY,
        incident_id uuid NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
        instance_id uuid NOT NULL REFERENCES connector_instance(id) ON DELETE CASCADE,
        external_id text,
        relation text NOT NULL,
        status text NOT NULL DEFAULT 'open',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (instance_id, external_id)
      );
      CREATE INDEX ticket_link_incident_idx ON ticket_link (incident_id);

      CREATE TABLE outbox_message (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        instance_id uuid NOT NULL REFERENCES connector_instance(id) ON DELETE CASCADE,
        action text NOT NULL,
        payload jsonb NOT NULL,
        idempotency_key text NOT NULL UNIQUE,
        incident_id uuid REFERENCES incident(id) ON DELETE SET NULL,
        status text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        max_attempts integer NOT NULL,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_owner text,
        lease_until timestamptz,
        last_error text,
        result jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz
      );
      CREATE INDEX outbox_due_idx ON outbox_message (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX outbox_lease_idx ON outbox_message (lease_until) WHERE status = 'delivering';
      CREATE INDEX outbox_incident_idx ON outbox_message (incident_id);

      CREATE TABLE poll_state (
        instance_id uuid NOT NULL REFERENCES connector_instance(id) ON DELETE CASCADE,
        stream text NOT NULL,
        cursor text,
        last_success_at timestamptz,
        last_error text,
        last_error_at timestamptz,
        last_duration_ms integer,
        last_records integer,
        PRIMARY KEY (instance_id, stream)
      );

      CREATE TABLE api_token (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        prefix text NOT NULL,
        role text NOT NULL,
        client_id uuid REFERENCES client(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_used_at timestamptz
      );

      CREATE TABLE audit_entry (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        actor_token_id uuid,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text,
        detail jsonb NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_entry_at_idx ON audit_entry (at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE audit_entry, api_token, poll_state, outbox_message, ticket_link, incident_timeline,
        incident, health_event, patch_event, inbox_event, device_link, device, client_link,
        connector_instance, client;
    `);
  }
}
