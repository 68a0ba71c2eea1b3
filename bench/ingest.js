#!/usr/bin/env node
/*
 * bench/ingest: durable webhook ingest on this machine against real PostgreSQL.
 *
 * Starts the built service (dist/) on a fresh database as its own process, loads it from this
 * process with autocannon (every request a new generic event, so every one is a new durable
 * inbox row), then runs pgbench with the same single-row insert for comparison, and prints:
 * accepted events/s, p50/p99 latency, rows found afterwards, and the ratio to pgbench.
 *
 * Usage: npm run bench:ingest [-- --seconds 15 --connections 32 --ingest-only]
 *   The service runs as a user starts it: workers on, so the normalizer shares its CPU with
 *   the HTTP path while the load runs.
 *   --ingest-only  SWITCHBOARD_WORKERS=false, as an ingest replica of a deployment with
 *                  separate worker replicas runs (the HTTP path alone)
 * Env: BENCH_DATABASE_URL (admin URL, default postgresql://postgres@127.0.0.1:5432/test);
 *      DATABASE_PREPARED_STATEMENTS is passed on to the service (false: compare without them)
 */
const { spawn, execFileSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { writeFileSync, mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { parseArgs } = require('node:util');
const autocannon = require('autocannon');
const { Client } = require('pg');
const { admin, dbUrl } = require('./lib/postgres');
const { waitReady } = require('./lib/service');

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
    'ingest-only': { type: 'boolean', default: false },
    'pgbench-clients': { type: 'string', default: '16' },
  },
});
const ROOT = join(__dirname, '..');
const TOKEN = `bench-admin-${randomBytes(12).toString('hex')}`;

function runLoad(url, path, secret, seconds, connections) {
  let n = 0;
  const base = `${process.pid}-${Date.now()}`;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path,
            headers: { 'content-type': 'application/json', 'x-switchboard-token': secret },
            setupRequest: (req) => {
              n++;
              req.body = JSON.stringify({
                eventId: `${base}-${n}`,
                kind: n % 3 === 0 ? 'service.down' : 'patch.installed',
                occurredAt: new Date().toISOString(),
                client: `Client ${n % 40}`,
                device: { hostname: `HOST-${n % 5000}` },
                patch: { id: `KB50${n % 1000}`, title: 'Cumulative update', severity: 'critical' },
                service: { name: 'MSSQLSERVER' },
              });
              return req;
            },
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    autocannon.track(instance, {
      renderProgressBar: false,
      renderResultsTable: false,
      renderLatencyTable: false,
    });
  });
}

function pgbenchScript(name, instanceId) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  const script = join(dir, 'insert.sql');
  writeFileSync(
    script,
    `INSERT INTO inbox_event (instance_id, dedupe_key, record_type, source, payload)
     VALUES ('${instanceId}', 'pgb-' || :client_id || '-' || random(), 'event', 'webhook', '{"kind":"patch.installed","device":{"hostname":"HOST-1"}}');\n`,
  );
  const u = new URL(dbUrl(name));
  return { script, u };
}

async function main() {
  const seconds = Number(args.seconds);
  const connections = Number(args.connections);
  const name = `sb_bench_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const port = 3900 + Math.floor(Math.random() * 90);
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: dbUrl(name),
      DATABASE_POOL_SIZE: '24',
      SWITCHBOARD_SECRET_KEY: randomBytes(32).toString('hex'),
      SWITCHBOARD_BOOTSTRAP_TOKEN: TOKEN,
      SWITCHBOARD_WORKERS: String(!args['ingest-only']),
      // Side-by-side runs with and without prepared statements.
      ...(process.env.DATABASE_PREPARED_STATEMENTS
        ? { DATABASE_PREPARED_STATEMENTS: process.env.DATABASE_PREPARED_STATEMENTS }
        : {}),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitReady(url, child);
    const created = await fetch(`${url}/api/v1/connectors`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'generic', name: 'bench' }),
    }).then((r) => r.json());
    const path = `/webhooks/${created.id}`;

    console.log(`warm-up 3 s …`);
    await runLoad(url, path, created.webhook.secret, 3, connections);
    const before = Number((await admin(`SELECT 1`)) && (await countRows(name)));
    console.log(
      `load: ${connections} connections for ${seconds} s, workers ${args['ingest-only'] ? 'off (--ingest-only)' : 'on'}`,
    );
    const r = await runLoad(url, path, created.webhook.secret, seconds, connections);
    const stored = (await countRows(name)) - before;
    const ok = r['2xx'];
    const rate = ok / seconds;

    const { script, u } = pgbenchScript(name, created.id);
    const out = execFileSync(
      'pgbench',
      [
        '-n',
        '-h',
        u.hostname,
        '-p',
        u.port || '5432',
        '-U',
        u.username || 'postgres',
        '-c',
        args['pgbench-clients'],
        '-j',
        '2',
        '-T',
        String(Math.min(seconds, 10)),
        '-f',
        script,
        name,
      ],
      { encoding: 'utf8' },
    );
    const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? NaN);

    console.log('');
    console.log('bench/ingest — durable generic webhooks, one event per request, real PostgreSQL');
    console.log(`  accepted (202)        ${ok} in ${seconds} s  →  ${rate.toFixed(0)} events/s`);
    console.log(`  non-2xx / errors      ${r.non2xx} / ${r.errors} (timeouts ${r.timeouts})`);
    console.log(
      `  latency               p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   max ${r.latency.max} ms`,
    );
    console.log(`  rows in inbox         ${stored} (every 202 must be a committed row)`);
    console.log(
      `  pgbench same insert   ${tps.toFixed(0)} tps (${args['pgbench-clients']} clients)`,
    );
    console.log(`  ratio to pgbench      ${(rate / tps).toFixed(2)}`);
    const met = rate >= 5000 && r.latency.p99 < 50;
    console.log(
      `  target                ≥ 5000 events/s with p99 < 50 ms, workers on: ${args['ingest-only'] ? 'not measured (--ingest-only)' : met ? 'met' : 'NOT met'}`,
    );
    console.log(`  target ratio          ≥ 1.0 to pgbench: ${rate / tps >= 1 ? 'met' : 'NOT met'}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

async function countRows(name) {
  const c = new Client({ connectionString: dbUrl(name) });
  await c.connect();
  try {
    return Number((await c.query(`SELECT count(*) FROM inbox_event`)).rows[0].count);
  } finally {
    await c.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
