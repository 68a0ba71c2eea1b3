import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Clients as each tool spells them: a match key that ignores case, punctuation and legal
 * suffixes ("Acme Dental, Inc." meets "Acme Dental"), and on every link the tool's own
 * spelling, how it was matched and who confirmed it. Earlier clients get their match key here
 * (without the accent folding the service applies to new names).
 */
export class ClientLinkMatching1764600000000 implements MigrationInterface {
  name = 'ClientLinkMatching1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE client ADD COLUMN match_key text`);
    await q.query(
      `UPDATE client SET match_key = btrim(regexp_replace(regexp_replace(
         regexp_replace(lower(name), '[^[:alnum:]]+', ' ', 'g'),
         '( (inc|incorporated|llc|ltd|limited|gmbh|ag|sa|sas|sarl|bv|nv|plc|pty|co|corp|corporation|company|kg|oy|ab|srl|spa|lp|llp))+ *$', '', 'g'),
         ' +', ' ', 'g'))`,
    );
    await q.query(`CREATE INDEX client_match_key_idx ON client (match_key)`);
    await q.query(`ALTER TABLE client_link ADD COLUMN name text`);
    await q.query(
      `ALTER TABLE client_link ADD COLUMN matched_by text NOT NULL DEFAULT 'name'
         CHECK (matched_by IN ('new', 'name', 'similar-name', 'manual'))`,
    );
    await q.query(`ALTER TABLE client_link ADD COLUMN confirmed_by text`);
    await q.query(
      `ALTER TABLE client_link ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const column of ['created_at', 'confirmed_by', 'matched_by', 'name'])
      await q.query(`ALTER TABLE client_link DROP COLUMN ${column}`);
    await q.query(`ALTER TABLE client DROP COLUMN match_key`);
  }
}
