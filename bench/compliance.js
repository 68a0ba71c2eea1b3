#!/usr/bin/env node
/*
 * bench/compliance: patch compliance pages and API over HTTP, with 50 clients, 20,000 devices
 * and 1,000,000 device patches stored in real PostgreSQL, p50/p99 printed beside the targets.
 *
 * Seeds a fresh database with SQL (clients of uneven size, devices with some servers by role
 * and OS, their links to an RMM and a monitoring tool, each device's latest word on each patch
 * in `device_patch` — mostly installed, some pending, approved or failed, every severity and
 * category, 'definition' updates included, ages up to 90 days — the same facts as `patch_event`
 * history, a few blocked KBs and open incidents, 29 days of snapshots), times summarise() for
 * every device, then VACUUM ANALYZE.
 * Then starts the built service (dist/src/main.js, its createApp) as its own process on
 * loopback with workers on, and measures, each request alone, after 5 warm-ups:
 *   - GET /api/v1/compliance                      landing data, every client
 *   - GET /api/v1/compliance/clients/:id          first page, default sort, a random client
 *   - the same with ?risk=high&status=failed
 *   - the same with ?format=csv                   every device of the client
 *   - GET /console, GET /console/compliance/clients/:id (signed in through the sign-in form)
 *   - event → counts: a generic webhook patch.failed for a compliant device, then
 *     GET /api/v1/compliance again and again until that client's counts move
 * and the service's RSS (now and peak).
 *
 * Usage: npm run bench:compliance [-- --clients 50 --devices 20000 --patches 1000000
 *        --samples 200 --events 30] [--keep: leave the database for EXPLAIN, print its URL]
 * Env: BENCH_DATABASE_URL (admin URL, default postgresql://postgres@127.0.0.1:5432/test)
 */
require('reflect-metadata');
const { spawn, execFileSync } = require('node:child_process');
const { randomBytes, randomUUID } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { cpus, loadavg } = require('node:os');
const { join } = require('node:path');
const { parseArgs } = require('node:util');
const { Client } = require('pg');
const { admin, dbUrl } = require('./lib/postgres');
const { waitReady } = require('./lib/service');
const { loadEnv } = require('../dist/src/config/env');
const { openDatabase } = require('../dist/src/database/open-database');
const { summarise } = require('../dist/src/compliance/compliance-summaries');

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '50' },
    devices: { type: 'string', default: '20000' },
    patches: { type: 'string', default: '1000000' },
    samples: { type: 'string', default: '200' },
    events: { type: 'string', default: '30' },
    keep: { type: 'boolean', default: false },
  },
});
const ROOT = join(__dirname, '..');
const CLIENTS = Number(args.clients);
const DEVICES = Number(args.devices);
const PATCHES = Number(args.patches);
const SAMPLES = Number(args.samples);
const EVENTS = Number(args.events);
const WARM_UP = 5;
const TARGET_MS = 300;
const EVENT_TARGET_MS = 1000;
const TOKEN = `bench-admin-${randomBytes(12).toString('hex')}`;

const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const sec = (t0) => ((Date.now() - t0) / 1000).toFixed(1);
const pick = (list) => list[Math.floor(Math.random() * list.length)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function step(label, fn) {
  const t0 = Date.now();
  const out = await fn();
  console.log(`  ${label.padEnd(44)} ${sec(t0).padStart(6)} s`);
  return out;
}

/**
 * Clients of uneven size (the first about ten times the last), devices with servers by role
 * and by OS, and per device about PATCHES / DEVICES patches. A device falls in one class by a
 * hash of its number: compliant (55 %, a third of them with a Defender definition update
 * pending, which never counts), low (25 %: moderate and low patches pending up to 60 days),
 * medium (12 %: a critical or important patch pending under 12 days), failed (5 %) and a
 * critical patch missing 15 to 90 days (3 %); one device in 23 has a reboot pending.
 */
async function seed(ds, rmmId, monitorId) {
  await step(`${CLIENTS} clients, ${DEVICES} devices`, async () => {
    await ds.query(
      `INSERT INTO client (id, name, name_key, match_key)
       SELECT gen_random_uuid(), 'Client ' || g, 'client ' || g, 'client ' || g
         FROM generate_series(1, $1) g`,
      [CLIENTS],
    );
    await ds.query(
      `INSERT INTO device (id, client_id, display_name, hostname_key, ip, role, os, online, online_at,
                           last_boot_at, reboot_pending, reboot_pending_at, reboot_pending_reason)
       SELECT gen_random_uuid(), c.id, 'HOST-' || g, 'host-' || g,
              '10.' || (g / 65536) % 256 || '.' || (g / 256) % 256 || '.' || g % 256,
              CASE g % 25 WHEN 0 THEN 'sql' WHEN 1 THEN 'dc' WHEN 2 THEN 'file' END,
              CASE WHEN g % 25 < 3 OR g % 40 = 7 THEN 'Windows Server 2022 Standard'
                   WHEN g % 10 = 3 THEN 'Ubuntu 22.04 LTS'
                   WHEN g % 10 < 3 THEN 'Windows 10 Pro' ELSE 'Windows 11 Pro' END,
              g % 17 <> 0, now() - make_interval(mins => g % 600),
              now() - make_interval(days => g % 30, mins => g % 1440),
              CASE WHEN g % 23 = 0 THEN true END,
              CASE WHEN g % 23 = 0 THEN now() - make_interval(hours => (g * 7) % 240) END,
              CASE WHEN g % 23 = 0 THEN 'Windows Update' END
         FROM generate_series(1, $1) g
         JOIN (SELECT id, row_number() OVER (ORDER BY length(name), name) AS n FROM client) c
           ON c.n = 1 + floor($2 * power(((g * 0.6180339887) % 1)::float8, 1.7))::int`,
      [DEVICES, CLIENTS],
    );
  });
  // Each device as its tools know it: the RMM reports every device, monitoring two in three
  // (the pages show when a tool last reported the device).
  await step('device links (RMM, monitoring)', () =>
    ds.query(
      `INSERT INTO device_link (id, device_id, instance_id, external_key, external_id, hostname,
                               matched_by, first_seen_at, last_seen_at)
       SELECT gen_random_uuid(), d.id, i.inst, 'host:' || d.hostname_key, NULL, d.display_name,
              CASE WHEN i.inst = $1 THEN 'new' ELSE 'hostname' END, now() - interval '200 days',
              now() - make_interval(mins => (hashtext(d.hostname_key || i.inst) & 65535) % 2880)
         FROM device d CROSS JOIN (VALUES ($1::uuid), ($2::uuid)) AS i(inst)
        WHERE i.inst = $1 OR hashtext(d.hostname_key) % 3 <> 0`,
      [rmmId, monitorId],
    ),
  );
  await step(`${PATCHES} device_patch rows`, () =>
    ds.query(
      `WITH r AS (
         SELECT g, d.id AS device_id, d.n AS dn, (g - 1) / $2 AS idx,
                (d.n * 2654435761) % 1000 AS h
           FROM generate_series(1, $1) g
           JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM device) d
             ON d.n = 1 + (g - 1) % $2),
       s AS (
         SELECT r.*,
                CASE
                  WHEN idx % 7 = 6 AND h < 550 AND h % 3 = 0 AND idx < 7 THEN 'definition'
                  WHEN h >= 970 AND idx = 0 THEN 'stale'
                  WHEN h >= 920 AND h < 970 AND idx = 0 THEN 'failed'
                  WHEN h >= 800 AND h < 920 AND idx = h % 2 THEN 'recent'
                  WHEN h >= 550 AND h < 800 AND idx IN (2, 3) THEN 'low'
                  ELSE 'installed'
                END AS kind,
                CASE idx % 7 WHEN 0 THEN 'security' WHEN 1 THEN 'critical' WHEN 2 THEN 'rollup'
                  WHEN 3 THEN 'regular' WHEN 4 THEN 'driver' WHEN 5 THEN 'feature'
                  ELSE 'definition' END AS category,
                CASE WHEN idx % 7 = 6 THEN NULL
                  ELSE (ARRAY['critical', 'important', 'moderate', 'low', 'important'])[1 + idx % 5]
                END AS severity
           FROM r),
       t AS (
         SELECT s.*,
                CASE kind WHEN 'installed' THEN 'installed' WHEN 'failed' THEN 'failed'
                  ELSE CASE WHEN g % 2 = 0 THEN 'approved' ELSE 'pending' END END AS status,
                now() - make_interval(secs => CASE kind
                  WHEN 'stale' THEN 15 * 86400 + (g::bigint * 7919) % (75 * 86400)
                  WHEN 'recent' THEN (g::bigint * 7919) % (12 * 86400)
                  WHEN 'failed' THEN (g::bigint * 7919) % (14 * 86400)
                  WHEN 'low' THEN (g::bigint * 7919) % (60 * 86400)
                  WHEN 'definition' THEN (g::bigint * 7919) % (2 * 86400)
                  ELSE (g::bigint * 7919) % (90 * 86400) END) AS at
           FROM s)
       INSERT INTO device_patch (device_id, patch_key, patch_id, title, severity, category, status,
                                 status_at, missing_since)
       SELECT device_id, 'KB' || (5030000 + idx * 17 + dn % 17), 'KB' || (5030000 + idx * 17 + dn % 17),
              CASE WHEN category = 'definition'
                   THEN 'Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.4' || idx || '.0)'
                   ELSE '2025-' || lpad((1 + idx % 12)::text, 2, '0') || ' ' || initcap(category)
                        || ' Update for Windows (KB' || (5030000 + idx * 17 + dn % 17) || ')' END,
              CASE WHEN kind IN ('stale', 'recent') AND severity NOT IN ('critical', 'important')
                   THEN 'critical'
                   WHEN kind = 'low' THEN CASE WHEN idx = 2 THEN 'moderate' ELSE 'low' END
                   ELSE severity END,
              category, status, at,
              CASE WHEN status IN ('pending', 'approved') THEN at END
         FROM t`,
      [PATCHES, DEVICES],
    ),
  );
  // Summaries read device_patch only; the history is there for what else a patch.failed runs
  // (correlation reads the device's patch events), as the migration would have left it.
  await step(`${PATCHES} patch_event rows (the same facts)`, () =>
    ds.query(
      `INSERT INTO patch_event (device_id, client_id, instance_id, source_id, patch_id, title,
                                severity, category, status, reboot_required, occurred_at)
       SELECT p.device_id, d.client_id, $1, 'bench', p.patch_id, p.title, p.severity, p.category,
              p.status, p.status = 'installed', p.status_at
         FROM device_patch p JOIN device d ON d.id = p.device_id`,
      [rmmId],
    ),
  );
  await step('blocked KBs, open incidents, snapshots', async () => {
    await ds.query(
      `INSERT INTO blocked_patch (id, client_id, patch_id, reason, blocked_by)
       SELECT gen_random_uuid(), c.id, 'KB' || (5030017 + k), 'broke printing', 'bench'
         FROM client c CROSS JOIN generate_series(0, 1) k`,
    );
    await ds.query(
      `INSERT INTO incident (id, key, client_id, device_id, state, cause, title, opened_at)
       SELECT gen_random_uuid(), 'bench-' || d.id, d.client_id, d.id, 'open', 'unknown',
              'Service down', now() - interval '2 hours'
         FROM device d WHERE d.display_name ~ '[0-9]*00$'`,
    );
    await ds.query(
      `INSERT INTO compliance_snapshot (day, client_id, devices, by_risk)
       SELECT (now() AT TIME ZONE 'UTC')::date - k, c.id, n,
              jsonb_build_object('critical', n / 50, 'high', n / 12, 'medium', n / 8,
                'low', n / 4, 'compliant', n - n / 50 - n / 12 - n / 8 - n / 4)
         FROM (SELECT client_id, count(*)::int AS n FROM device GROUP BY client_id) x
         JOIN client c ON c.id = x.client_id CROSS JOIN generate_series(1, 29) k`,
    );
  });
  await step('summarise all devices', () => ds.transaction((m) => summarise(m, { all: true })));
  await step('VACUUM ANALYZE, CHECKPOINT', async () => {
    await ds.query('VACUUM ANALYZE');
    await ds.query('CHECKPOINT');
  });
}

/** Resident and peak resident memory of a process, in MiB. */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    const kb = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }));
    return { rss: kb / 1024, peak: NaN };
  }
}

async function get(url, headers) {
  const t0 = process.hrtime.bigint();
  const res = await fetch(url, { headers, redirect: 'manual' });
  const body = await res.text();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, status: res.status, body };
}

/** `samples` requests one after another (after warm-ups), each to the path `pathOf` gives. */
async function measure(base, headers, pathOf, { page = false } = {}) {
  const ms = [];
  let bytes = 0;
  for (let i = -WARM_UP; i < SAMPLES; i++) {
    const r = await get(`${base}${pathOf()}`, headers);
    if (r.status !== 200) {
      if (page) return { skipped: `page not measured: ${r.status}` };
      throw new Error(`${pathOf()} answered ${r.status}: ${r.body.slice(0, 300)}`);
    }
    if (i < 0) continue;
    ms.push(r.ms);
    bytes += r.body.length;
  }
  ms.sort((a, b) => a - b);
  return { p50: pct(ms, 50), p99: pct(ms, 99), max: ms.at(-1), bytes: bytes / ms.length };
}

function line(label, m, target = TARGET_MS) {
  if (m.skipped) return console.log(`  ${label.padEnd(46)} ${m.skipped}`);
  const verdict = m.p50 < target && m.p99 < target ? 'met' : 'NOT met';
  const size = m.bytes >= 1024 ? `${(m.bytes / 1024).toFixed(0)} KiB` : `${m.bytes.toFixed(0)} B`;
  console.log(
    `  ${label.padEnd(46)} p50 ${m.p50.toFixed(1).padStart(7)} ms   p99 ${m.p99.toFixed(1).padStart(7)} ms   max ${m.max.toFixed(1).padStart(7)} ms   ${size.padStart(8)}   < ${target} ms: ${verdict}`,
  );
}

async function signIn(base) {
  const res = await fetch(`${base}/console/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: TOKEN, next: '/console' }).toString(),
    redirect: 'manual',
  });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('sb_console='));
  if (res.status !== 303 || !cookie) throw new Error(`console sign-in answered ${res.status}`);
  return cookie;
}

/**
 * Event → counts: a patch.failed for a compliant device through a generic webhook, then the
 * landing data asked again and again (each request after the last one's answer) until that
 * client's compliant count drops. The clock stops when that answer arrives.
 */
async function eventToCounts(base, api, clientIds, pg) {
  const created = await fetch(`${base}/api/v1/connectors`, {
    method: 'POST',
    headers: { ...api, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'generic', name: 'bench compliance' }),
  }).then((r) => r.json());
  if (!created.webhook?.secret) throw new Error(`connector: ${JSON.stringify(created)}`);
  // One compliant device per sample, taken round the clients.
  const targets = [];
  const pools = new Map();
  for (let i = 0; targets.length < EVENTS && i < EVENTS * clientIds.length; i++) {
    const clientId = clientIds[i % clientIds.length];
    if (!pools.has(clientId)) {
      const r = await get(
        `${base}/api/v1/compliance/clients/${clientId}?risk=compliant&limit=1000`,
        api,
      );
      const body = JSON.parse(r.body);
      pools.set(clientId, { name: body.client.name, devices: body.items });
    }
    const pool = pools.get(clientId);
    const device = pool.devices.shift();
    if (device)
      targets.push({ clientId, client: pool.name, host: device.name, id: device.deviceId });
  }
  const counts = async () => {
    const r = await get(`${base}/api/v1/compliance?limit=1000`, api);
    if (r.status !== 200) throw new Error(`/api/v1/compliance answered ${r.status}`);
    return new Map(JSON.parse(r.body).items.map((c) => [c.clientId, c.byRisk.compliant]));
  };
  // Beside the API polls, the device's summary row is read every 2 ms: when the event's
  // transaction committed, which splits the figure into pipeline and page.
  const summaryFailed = async (id) =>
    Number(
      (await pg.query(`SELECT failed FROM device_patch_summary WHERE device_id = $1`, [id])).rows[0]
        ?.failed ?? 0,
    );
  const ms = [];
  const committed = [];
  let polls = 0;
  let missed = 0;
  for (const [i, t] of targets.entries()) {
    const before = (await counts()).get(t.clientId);
    const t0 = process.hrtime.bigint();
    const posted = await fetch(`${base}/webhooks/${created.id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-switchboard-token': created.webhook.secret,
      },
      body: JSON.stringify({
        eventId: `bench-compliance-${i}-${randomUUID()}`,
        kind: 'patch.failed',
        occurredAt: new Date().toISOString(),
        client: t.client,
        device: { hostname: t.host },
        patch: {
          id: `KB59${String(i).padStart(5, '0')}`,
          title: '2025-12 Cumulative Update for Windows 11 Version 24H2 for x64-based Systems',
          severity: 'critical',
          category: 'security',
        },
        message: 'Installation failed with error 0x80070002',
      }),
    });
    if (posted.status !== 202) throw new Error(`webhook answered ${posted.status}`);
    const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e6;
    const watchCommit = (async () => {
      while (elapsed() < 10_000) {
        if ((await summaryFailed(t.id)) > 0) return elapsed();
        await sleep(2);
      }
      return null;
    })();
    let done = null;
    while (done === null && elapsed() < 10_000) {
      polls++;
      if ((await counts()).get(t.clientId) < before) done = elapsed();
    }
    const at = await watchCommit;
    if (at !== null) committed.push(at);
    if (done === null) missed++;
    else ms.push(done);
  }
  ms.sort((a, b) => a - b);
  committed.sort((a, b) => a - b);
  return { ms, committed, polls, missed, n: targets.length };
}

async function main() {
  const name = `sb_bench_comp_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = dbUrl(name);
  let child = null;
  try {
    console.log(`seeding ${name}`);
    const t0 = Date.now();
    const db = await openDatabase(
      loadEnv({
        DATABASE_URL: url,
        SWITCHBOARD_SECRET_KEY: randomBytes(32).toString('hex'),
        SWITCHBOARD_WORKERS: 'false',
        LOG_LEVEL: 'silent',
        // The bulk seed below is one long statement per table, longer than any request may be.
        DATABASE_STATEMENT_TIMEOUT_MS: '600000',
      }),
    );
    let clientIds;
    try {
      const ds = db.dataSource;
      const rmmId = randomUUID();
      const monitorId = randomUUID();
      await ds.query(
        `INSERT INTO connector_instance (id, kind, name, enabled, settings)
         VALUES ($1, 'ninjaone', 'RMM', true, '{}'), ($2, 'zabbix', 'Monitoring', true, '{}')`,
        [rmmId, monitorId],
      );
      await seed(ds, rmmId, monitorId);
      clientIds = (await ds.query(`SELECT id FROM client ORDER BY id`)).map((r) => r.id);
      const [sizes] = await ds.query(
        `SELECT min(n)::int AS min, max(n)::int AS max FROM
           (SELECT count(*) AS n FROM device GROUP BY client_id) x`,
      );
      const [st] = await ds.query(
        `SELECT count(*) FILTER (WHERE status = 'installed')::int AS installed,
                count(*) FILTER (WHERE status = 'pending')::int AS pending,
                count(*) FILTER (WHERE status = 'approved')::int AS approved,
                count(*) FILTER (WHERE status = 'failed')::int AS failed,
                count(*) FILTER (WHERE category = 'definition')::int AS definition
           FROM device_patch`,
      );
      console.log(
        `  seeded in ${sec(t0)} s: clients of ${sizes.min}–${sizes.max} devices; patches ${st.installed} installed, ${st.pending} pending, ${st.approved} approved, ${st.failed} failed (${st.definition} definition updates)`,
      );
    } finally {
      await db.close();
    }

    const port = 3900 + Math.floor(Math.random() * 90);
    const base = `http://127.0.0.1:${port}`;
    const started = Date.now();
    child = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: url,
        SWITCHBOARD_SECRET_KEY: randomBytes(32).toString('hex'),
        SWITCHBOARD_BOOTSTRAP_TOKEN: TOKEN,
        SWITCHBOARD_WORKERS: 'true',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitReady(base, child);
    console.log(
      `  service ready in ${sec(started)} s (today's snapshot is taken in the background)`,
    );
    const api = { authorization: `Bearer ${TOKEN}` };
    const cookie = { cookie: await signIn(base) };
    const landing = JSON.parse((await get(`${base}/api/v1/compliance?limit=1000`, api)).body);
    const risk = landing.totals.byRisk;

    const results = [];
    const add = (label, m, target) => results.push([label, m, target]);
    add('GET /api/v1/compliance', await measure(base, api, () => '/api/v1/compliance'));
    add(
      'GET /api/v1/compliance/clients/:id',
      await measure(base, api, () => `/api/v1/compliance/clients/${pick(clientIds)}`),
    );
    add(
      '  ?risk=high&status=failed',
      await measure(
        base,
        api,
        () => `/api/v1/compliance/clients/${pick(clientIds)}?risk=high&status=failed`,
      ),
    );
    add(
      '  ?format=csv (every device of the client)',
      await measure(base, api, () => `/api/v1/compliance/clients/${pick(clientIds)}?format=csv`),
    );
    add('GET /console', await measure(base, cookie, () => '/console', { page: true }));
    add(
      'GET /console/compliance/clients/:id',
      await measure(base, cookie, () => `/console/compliance/clients/${pick(clientIds)}`, {
        page: true,
      }),
    );
    const pg = new Client({ connectionString: url });
    await pg.connect();
    const ev = await eventToCounts(base, api, clientIds, pg).finally(() => pg.end());
    const mem = memoryOf(child.pid);

    console.log('');
    console.log(
      `bench/compliance — ${CLIENTS} clients, ${DEVICES} devices, ${PATCHES} device patches, real PostgreSQL, ${SAMPLES} requests each, one at a time`,
    );
    console.log(
      `  devices by risk  ${Object.entries(risk)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    for (const [label, m, target] of results) line(label, m, target);
    if (ev.ms.length > 0) {
      const m = { p50: pct(ev.ms, 50), p99: pct(ev.ms, 99), max: ev.ms.at(-1), bytes: 0 };
      const verdict = m.p50 < EVENT_TARGET_MS && m.p99 < EVENT_TARGET_MS ? 'met' : 'NOT met';
      console.log(
        `  ${'event → counts (webhook to changed landing)'.padEnd(46)} p50 ${m.p50.toFixed(1).padStart(7)} ms   p99 ${m.p99.toFixed(1).padStart(7)} ms   max ${m.max.toFixed(1).padStart(7)} ms   ${`${ev.ms.length}/${ev.n}`.padStart(8)}   < ${EVENT_TARGET_MS} ms: ${ev.missed === 0 ? verdict : 'NOT met'}`,
      );
      if (ev.committed.length > 0)
        console.log(
          `  ${'  of which webhook → summary committed'.padEnd(46)} p50 ${pct(ev.committed, 50).toFixed(1).padStart(7)} ms   p99 ${pct(ev.committed, 99).toFixed(1).padStart(7)} ms   max ${ev.committed.at(-1).toFixed(1).padStart(7)} ms`,
        );
      console.log(
        `  ${''.padEnd(46)} ${(ev.polls / ev.n).toFixed(1)} landing requests per event, each after the last one's answer${ev.missed ? `; ${ev.missed} never seen in 10 s` : ''}`,
      );
    } else console.log(`  event → counts: no event seen in 10 s (${ev.n} sent)`);
    console.log(
      `  service RSS                                    ${mem.rss.toFixed(0)} MiB now, ${mem.peak.toFixed(0)} MiB peak`,
    );
    console.log(
      `  load average                                   ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} on ${cpus().length} CPUs (others' work on this machine counts too)`,
    );
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    if (args.keep) console.log(`  database kept: ${url}`);
    else await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
