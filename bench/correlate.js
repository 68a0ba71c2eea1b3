#!/usr/bin/env node
/*
 * bench/correlate: with 100,000 devices and 2,000,000 patch events stored in real PostgreSQL,
 * the time from one health event to its incident decision, and to its outbox messages being
 * committed, p50/p99, printed.
 *
 * Each sample runs what the normalizer runs for one monitoring event: a transaction that
 * stores the event on its device (device matching included), runs the correlation engine
 * (suspects from the 6 h window, wave check, templates rendered, outbox messages written) and
 * commits. "decision" stops the clock when the engine returns, "outbox" after the commit.
 * After seeding, VACUUM ANALYZE and CHECKPOINT run, and 50 warm-up events are not counted.
 *
 * Usage: npm run bench:correlate [-- --devices 100000 --patches 2000000 --samples 1000]
 *        [--profile: also the statements that took the most time, with their p99]
 * Env: BENCH_DATABASE_URL (admin URL, default postgresql://postgres@127.0.0.1:5432/test);
 *      DATABASE_PREPARED_STATEMENTS is passed on to the service (false: compare without them)
 */
require('reflect-metadata');
const { randomBytes, randomUUID } = require('node:crypto');
const { parseArgs } = require('node:util');
const { ADMIN_URL, admin } = require('./lib/postgres');
const { loadEnv } = require('../dist/src/config/env');
const { openDatabase } = require('../dist/src/database/open-database');
const { createApp } = require('../dist/src/app.factory');
const { CorrelationEngine } = require('../dist/src/correlation/correlation.engine');
const { recordEvents } = require('../dist/src/inventory/event-recorder');

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '100000' },
    patches: { type: 'string', default: '2000000' },
    samples: { type: 'string', default: '1000' },
    profile: { type: 'boolean', default: false },
  },
});
const DEVICES = Number(args.devices);
const PATCHES = Number(args.patches);
const SAMPLES = Number(args.samples);

const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** --profile: times every statement the service sends, grouped by its text. */
function profileQueries() {
  const { PostgresQueryRunner } = require('typeorm/driver/postgres/PostgresQueryRunner');
  const original = PostgresQueryRunner.prototype.query;
  const stats = new Map();
  let on = false;
  PostgresQueryRunner.prototype.query = async function (sql, ...rest) {
    const t0 = process.hrtime.bigint();
    try {
      return await original.call(this, sql, ...rest);
    } finally {
      if (on) {
        const key = sql.replace(/\s+/g, ' ').slice(0, 110);
        const list = stats.get(key) ?? [];
        list.push(Number(process.hrtime.bigint() - t0) / 1e6);
        stats.set(key, list);
      }
    }
  };
  return {
    start: () => (on = true),
    print: (samples) => {
      const rows = [...stats.entries()]
        .map(([sql, l]) => {
          l.sort((a, b) => a - b);
          return { sql, n: l.length, total: l.reduce((a, b) => a + b, 0), p99: pct(l, 99) };
        })
        .sort((a, b) => b.total - a.total)
        .slice(0, 40);
      console.log('');
      console.log('  statements by total time (per event: calls, mean ms; p99 ms; text)');
      for (const r of rows)
        console.log(
          `  ${(r.n / samples).toFixed(2).padStart(5)} × ${(r.total / r.n).toFixed(2).padStart(6)}  p99 ${r.p99.toFixed(2).padStart(6)}  ${r.sql}`,
        );
    },
  };
}

async function seed(ds, monitorId, psaId, rmmId) {
  const t0 = Date.now();
  await ds.query(
    `INSERT INTO client (id, name, name_key) SELECT gen_random_uuid(), 'Client ' || g, 'client ' || g FROM generate_series(1, 400) g`,
  );
  await ds.query(
    `INSERT INTO device (id, client_id, display_name, hostname_key, role)
     SELECT gen_random_uuid(), c.id, 'HOST-' || g, 'host-' || g, CASE WHEN g % 10 = 0 THEN 'sql' END
       FROM generate_series(1, $1) g
       JOIN (SELECT id, row_number() OVER () AS n FROM client) c ON c.n = 1 + g % 400`,
    [DEVICES],
  );
  await ds.query(
    `INSERT INTO device_link (id, device_id, instance_id, external_key, external_id, hostname, matched_by)
     SELECT gen_random_uuid(), d.id, i.inst, 'host:' || d.hostname_key, NULL, d.display_name, 'new'
       FROM device d CROSS JOIN (VALUES ($1::uuid), ($2::uuid)) AS i(inst)`,
    [monitorId, rmmId],
  );
  // Patch history: PATCHES rows over 30 days; one device in five had a patch (and most a
  // reboot) in the last six hours, as on a patch night.
  await ds.query(
    `INSERT INTO patch_event (device_id, client_id, instance_id, patch_id, title, severity, status, reboot_required, occurred_at)
     SELECT d.id, d.client_id, $2, 'KB50' || (g % 3000), 'Cumulative update', 'important', 'installed', true,
            now() - make_interval(secs => 21600 + (g::bigint * 7919) % 2592000)
       FROM generate_series(1, $1) g
       JOIN (SELECT id, client_id, row_number() OVER () AS n FROM device) d ON d.n = 1 + g % $3`,
    [PATCHES - DEVICES / 5 - DEVICES / 10, rmmId, DEVICES],
  );
  await ds.query(
    `INSERT INTO patch_event (device_id, client_id, instance_id, patch_id, title, severity, status, reboot_required, occurred_at)
     SELECT id, client_id, $1, 'KB5034441', 'Security update', 'critical', 'installed', true, now() - interval '3 hours'
       FROM device WHERE hostname_key ~ '[05]$'`,
    [rmmId],
  );
  await ds.query(
    `INSERT INTO patch_event (device_id, client_id, instance_id, status, occurred_at)
     SELECT id, client_id, $1, 'rebooted', now() - interval '170 minutes' FROM device WHERE hostname_key ~ '0$'`,
    [rmmId],
  );
  // Measure the steady state, not the bulk load's aftermath: vacuum (visibility map, stats)
  // and flush its WAL now rather than in a checkpoint in the middle of the samples.
  await ds.query('VACUUM ANALYZE');
  await ds.query('CHECKPOINT');
  const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM patch_event');
  const [{ d }] = await ds.query('SELECT count(*)::int AS d FROM device');
  console.log(
    `seeded ${d} devices, ${n} patch events in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  void psaId;
}

async function main() {
  const name = `sb_bench_corr_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase(
    loadEnv({
      DATABASE_URL: url.toString(),
      SWITCHBOARD_SECRET_KEY: randomBytes(32).toString('hex'),
      SWITCHBOARD_WORKERS: 'false',
      // Side-by-side runs with and without prepared statements.
      ...(process.env.DATABASE_PREPARED_STATEMENTS
        ? { DATABASE_PREPARED_STATEMENTS: process.env.DATABASE_PREPARED_STATEMENTS }
        : {}),
      LOG_LEVEL: 'silent',
      // The bulk seed below is one long statement per table, longer than any request may be.
      DATABASE_STATEMENT_TIMEOUT_MS: '600000',
    }),
  );
  const app = await createApp({ config: db.config, dataSource: db.dataSource });
  try {
    const ds = db.dataSource;
    const ids = { monitor: randomUUID(), psa: randomUUID(), rmm: randomUUID() };
    for (const [kind, id] of [
      ['zabbix', ids.monitor],
      ['connectwise-manage', ids.psa],
      ['ninjaone', ids.rmm],
    ]) {
      await ds.query(
        `INSERT INTO connector_instance (id, kind, name, enabled, settings) VALUES ($1, $2, $2, true, '{}')`,
        [id, kind],
      );
    }
    await seed(ds, ids.monitor, ids.psa, ids.rmm);
    const profile = args.profile ? profileQueries() : null;
    profile?.start();
    const engine = app.get(CorrelationEngine);
    const decision = [];
    const committed = [];
    let opened = 0;
    const WARM_UP = 50;
    for (let i = -WARM_UP; i < SAMPLES; i++) {
      const host = `HOST-${1 + Math.floor(Math.random() * DEVICES)}`;
      const event = {
        type: 'health',
        kind: i % 3 === 0 ? 'device.down' : 'service.down',
        subject: i % 3 === 0 ? undefined : 'MSSQLSERVER',
        problemId: String(900000 + i),
        occurredAt: new Date(),
        device: { hostname: host },
      };
      const t0 = process.hrtime.bigint();
      let t1 = t0;
      await ds.transaction(async (m) => {
        const recorded = await recordEvents(m, ids.monitor, null, [event]);
        await engine.onRecorded(m, recorded);
        t1 = process.hrtime.bigint();
      });
      const t2 = process.hrtime.bigint();
      if (i < 0) continue;
      decision.push(Number(t1 - t0) / 1e6);
      committed.push(Number(t2 - t0) / 1e6);
    }
    const [{ incidents }] = await ds.query(`SELECT count(*)::int AS incidents FROM incident`);
    const [{ blamed }] = await ds.query(
      `SELECT count(*)::int AS blamed FROM incident WHERE cause <> 'unknown'`,
    );
    const [{ messages }] = await ds.query(`SELECT count(*)::int AS messages FROM outbox_message`);
    opened = incidents;
    decision.sort((a, b) => a - b);
    committed.sort((a, b) => a - b);
    console.log('');
    console.log(
      `bench/correlate — ${DEVICES} devices, ${PATCHES} patch events, ${SAMPLES} health events, real PostgreSQL`,
    );
    console.log(
      `  incidents opened or updated   ${opened}, warm-up included (${blamed} blamed on a patch or reboot), outbox messages ${messages}`,
    );
    console.log(
      `  event → incident decision      p50 ${pct(decision, 50).toFixed(2)} ms   p99 ${pct(decision, 99).toFixed(2)} ms   max ${decision.at(-1).toFixed(2)} ms`,
    );
    console.log(
      `  event → outbox committed       p50 ${pct(committed, 50).toFixed(2)} ms   p99 ${pct(committed, 99).toFixed(2)} ms   max ${committed.at(-1).toFixed(2)} ms`,
    );
    console.log(
      `  target                         decision p99 < 10 ms: ${pct(decision, 99) < 10 ? 'met' : 'NOT met'}; committed p99 < 20 ms: ${pct(committed, 99) < 20 ? 'met' : 'NOT met'}`,
    );
    profile?.print(SAMPLES);
  } finally {
    await app.close();
    await db.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
