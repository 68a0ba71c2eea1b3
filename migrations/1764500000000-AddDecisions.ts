import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What correlation decided about each health event, and why: also the decisions that open no
 * incident (an expected reboot, a repeat, a stale or historical report), so an API reads them.
 */
export class AddDecisions1764500000000 implements MigrationInterface {
  name = 'AddDecisions1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE decision (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        health_event_id bigint NOT NULL,
        device_id uuid NOT NULL,
        client_id uuid,
        incident_id uuid,
        kind text NOT NULL,
        subject text,
        occurred_at timestamptz NOT NULL,
        decided_at timestamptz NOT NULL DEFAULT now(),
        outcome text NOT NULL,
        rule text NOT NULL,
        reason text NOT NULL,
        evidence jsonb NOT NULL DEFAULT '[]'
      )`);
    await q.query(`CREATE INDEX decision_device_idx ON decision (device_id, decided_at DESC)`);
    await q.query(`CREATE INDEX decision_client_idx ON decision (client_id, decided_at DESC)`);
    await q.query(`CREATE INDEX decision_decided_idx ON decision (decided_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE decision`);
  }
}
