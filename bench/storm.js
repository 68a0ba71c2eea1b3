#!/usr/bin/env node
/*
 * bench/storm: the 2 AM story across 1,000 devices and 50 clients, 10,000 webhooks, end to end.
 *
 * Starts the built service (dist/src/main.js) as its own process with workers on, as a user
 * runs it, on a fresh PostgreSQL database (or --db embedded: PGlite in a temporary data
 * directory). Through the public API it sets up what a deployment has: the RMM's patch feed and
 * the monitoring tool (two generic instances, fed by webhook) and ConnectWise Manage (the
 * stand-in of connectors/connectwise-manage, in this process, every answer held back by
 * --psa-latency-ms), and lets the PSA's first poll map its companies and configurations.
 * Then it sends the storm (bench/lib/storm-events.js: patches, reboots, service-down and
 * device-down on a share of the devices, recoveries, monitoring noise and webhook retries)
 * over --connections keep-alive connections as fast as the service accepts, and prints:
 *   accepted events/s and accept latency p50/p99;
 *   the backlog every 500 ms (inbox records not normalized yet, outbox messages not delivered,
 *   incidents, tickets at the PSA, service RSS);
 *   drain time: last event accepted → no inbox record left pending (normalized and correlated;
 *   the outbox messages a decision writes are committed in the same transaction);
 *   webhook → ticket: each service.down webhook sent → the PSA receiving the create-ticket
 *   request for that device, p50/p95/p99;
 *   service RSS (VmRSS of the service process; the embedded database lives in it), idle before
 *   the storm and over time.
 *
 * Usage: npm run bench:storm [-- --events 10000 --devices 1000 --clients 50 --connections 32
 *        --db postgres|embedded --psa-latency-ms 50]
 *   also: --seed N (the storm's PRNG), --drain-timeout-s 600 (wait for inbox and outbox),
 *         --log-level info (the service's LOG_LEVEL; its log is kept in a temp file and its
 *         tail printed on failure), --keep-log (print the log's path and keep it),
 *         --cpu-prof (run the service under node --cpu-prof and print where its CPU went from
 *         the first webhook until the inbox drained)
 * Env: BENCH_DATABASE_URL (admin URL, default postgresql://postgres@127.0.0.1:5432/test);
 *      DATABASE_PREPARED_STATEMENTS is passed on to the service (false: compare without them)
 */
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { mkdtempSync, openSync, closeSync, readFileSync, rmSync, existsSync } = require('node:fs');
const http = require('node:http');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { parseArgs } = require('node:util');
const { Client } = require('pg');
const { admin, dbUrl } = require('./lib/postgres');
const { startPsa } = require('./lib/storm-psa');
const { buildStorm } = require('./lib/storm-events');
const { summarizeProfile } = require('./lib/storm-profile');
const {
  sleep,
  pct,
  ms,
  sec,
  mb,
  rssKb,
  post,
  parseMetrics,
  metricSum,
  histogramQuantile,
  table,
  cpuTicks,
  runQueueWaitNs,
} = require('./lib/storm-util');

const USAGE =
  'usage: node bench/storm.js [--events 10000] [--devices 1000] [--clients 50] [--connections 32] ' +
  '[--db postgres|embedded] [--psa-latency-ms 50] [--seed 2] [--drain-timeout-s 600] ' +
  '[--log-level info] [--keep-log] [--cpu-prof]';

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      events: { type: 'string', default: '10000' },
      devices: { type: 'string', default: '1000' },
      clients: { type: 'string', default: '50' },
      connections: { type: 'string', default: '32' },
      db: { type: 'string', default: 'postgres' },
      'psa-latency-ms': { type: 'string', default: '50' },
      seed: { type: 'string', default: '2' },
      'drain-timeout-s': { type: 'string', default: '600' },
      'log-level': { type: 'string', default: 'info' },
      'keep-log': { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
    },
  }));
} catch (err) {
  console.error(`${err.message}\n${USAGE}`);
  process.exit(2);
}
const whole = (name, min) => {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be a whole number ≥ ${min}\n${USAGE}`);
    process.exit(2);
  }
  return n;
};
const EVENTS = whole('events', 1);
const DEVICES = whole('devices', 1);
const CLIENTS = whole('clients', 1);
const CONNECTIONS = whole('connections', 1);
const PSA_LATENCY_MS = whole('psa-latency-ms', 0);
const SEED = whole('seed', 0);
const DRAIN_TIMEOUT_MS = whole('drain-timeout-s', 1) * 1000;
if (!['postgres', 'embedded'].includes(args.db)) {
  console.error(`--db must be postgres or embedded\n${USAGE}`);
  process.exit(2);
}
const EMBEDDED = args.db === 'embedded';
const ROOT = join(__dirname, '..');
const TOKEN = `bench-storm-${randomBytes(16).toString('hex')}`;
const SAMPLE_MS = 500;
/** application_name of the bench's own sessions, left out of the PostgreSQL CPU figures. */
const BENCH_APP = 'sb-bench-storm';
/** The advisory lock the normalizer holds while it works a batch (src/ingest/inbox-processor.ts). */
const NORMALIZE_LOCK = 73_190_413;
const REQUEST_TIMEOUT_MS = 30_000;
const API_TIMEOUT_MS = 20_000;

const TARGET = {
  drainMs: 10_000,
  ticketP95Ms: 2_000,
  decisionP99S: 0.01,
  idleRssKb: (EMBEDDED ? 350 : 200) * 1024,
};

const log = (line) => console.log(`[storm ${new Date().toISOString().slice(11, 23)}] ${line}`);

// ---------------------------------------------------------------------------------------------
// Everything this run starts, stopped in reverse order on exit, failure, Ctrl-C or SIGTERM.
const cleanups = [];
let cleaning = null;
async function cleanup() {
  if (!cleaning)
    cleaning = (async () => {
      while (cleanups.length > 0) {
        const { what, fn } = cleanups.pop();
        try {
          await Promise.race([
            fn(),
            sleep(20_000).then(() => {
              throw new Error('took over 20 s');
            }),
          ]);
        } catch (err) {
          console.error(`bench/storm: cleanup of ${what} failed: ${err.message}`);
        }
      }
    })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\nbench/storm: ${signal}, stopping the service and dropping the database …`);
    cleanup().finally(() => process.exit(130));
  });
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The service, as its own process.

function startService({ env, logPath, profileDir }) {
  const fd = openSync(logPath, 'a');
  const node = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...node, join(ROOT, 'dist/src/main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise((resolve) =>
    child.once('exit', (code, sig) => resolve({ code, sig })),
  );
  let exitedAt = null;
  void exited.then(() => (exitedAt = Date.now()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, exited, stop, exitedAt: () => exitedAt };
}

function logTail(logPath, lines = 40) {
  if (!existsSync(logPath)) return '(no log)';
  return readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Fails the run with `what` if the service process exits before `promise` settles. */
function whileAlive(svc, promise, what) {
  return Promise.race([
    promise,
    svc.exited.then(({ code, sig }) => {
      throw new Error(`bench/storm: the service exited (${sig ?? `code ${code}`}) while ${what}`);
    }),
  ]);
}

async function waitFor(what, check, timeoutMs, everyMs = 200) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until)
      throw new Error(`bench/storm: timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const runStarted = Date.now();
  const storm = buildStorm({ total: EVENTS, devices: DEVICES, clients: CLIENTS, seed: SEED });
  const work = mkdtempSync(join(tmpdir(), 'sb-storm-'));
  cleanups.push({
    what: 'the temporary directory',
    fn: async () => {
      if (args['keep-log']) console.log(`service log kept: ${logPath}`);
      else rmSync(work, { recursive: true, force: true });
    },
  });
  const logPath = join(work, 'service.log');

  // The PSA stand-in, with its companies (named as the clients) and configurations.
  const psa = await startPsa({ latencyMs: PSA_LATENCY_MS });
  cleanups.push({ what: 'the PSA stand-in', fn: () => psa.stop() });
  const companyIds = new Map();
  for (const c of storm.clients)
    companyIds.set(c.name, psa.standIn.addCompany(c.identifier, c.name));
  for (const d of storm.devices) {
    psa.standIn.addConfiguration(companyIds.get(d.client.name), d.host, {
      type: d.server ? 'Managed Server' : 'Managed Workstation',
      ipAddress: d.device.ip,
      serialNumber: d.device.serial,
    });
  }
  log(`PSA stand-in (ConnectWise Manage) at ${psa.url}, ${PSA_LATENCY_MS} ms per answer`);

  // The database.
  let dbName = null;
  const env = {
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    SWITCHBOARD_BOOTSTRAP_TOKEN: TOKEN,
    SWITCHBOARD_WORKERS: 'true',
    // Side-by-side runs with and without prepared statements.
    ...(process.env.DATABASE_PREPARED_STATEMENTS
      ? { DATABASE_PREPARED_STATEMENTS: process.env.DATABASE_PREPARED_STATEMENTS }
      : {}),
    LOG_LEVEL: args['log-level'],
    NODE_EXTRA_CA_CERTS: psa.caFile,
  };
  env.SWITCHBOARD_PUBLIC_URL = `http://127.0.0.1:${env.PORT}`;
  if (EMBEDDED) {
    env.SWITCHBOARD_DATA_DIR = join(work, 'data');
  } else {
    dbName = `sb_bench_storm_${randomBytes(5).toString('hex')}`;
    await admin(`CREATE DATABASE ${dbName}`);
    cleanups.push({
      what: `database ${dbName}`,
      fn: () => admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`),
    });
    env.DATABASE_URL = dbUrl(dbName);
    env.SWITCHBOARD_SECRET_KEY = randomBytes(32).toString('hex');
  }
  const base = `http://127.0.0.1:${env.PORT}`;

  const profileDir = args['cpu-prof'] ? join(work, 'cpu-profile') : null;
  const svc = startService({ env, logPath, profileDir });
  cleanups.push({ what: 'the service', fn: () => svc.stop() });
  const pid = svc.child.pid;
  const failWithLog = (err) => {
    err.serviceLog = logTail(logPath);
    throw err;
  };

  await whileAlive(
    svc,
    waitFor(
      'the service to answer /ready',
      () =>
        fetch(`${base}/ready`, { signal: AbortSignal.timeout(2000) })
          .then((r) => r.ok)
          .catch(() => false),
      90_000,
      100,
    ),
    'starting',
  ).catch(failWithLog);
  const readyRss = rssKb(pid);
  log(
    `service pid ${pid} ready at ${base} (${EMBEDDED ? 'embedded PGlite' : `PostgreSQL ${dbName}`}), RSS ${mb(readyRss)}`,
  );

  const api = async (method, path, body) => {
    const res = await whileAlive(
      svc,
      fetch(base + path, {
        method,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(API_TIMEOUT_MS),
      }).catch((err) => {
        throw new Error(`bench/storm: ${method} ${path}: ${err.message}`);
      }),
      `${method} ${path}`,
    );
    const text = await res.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      /* keep the text */
    }
    if (res.status >= 300)
      throw new Error(`bench/storm: ${method} ${path} → ${res.status} ${text.slice(0, 500)}`);
    return parsed;
  };
  const metrics = async () =>
    parseMetrics(
      await whileAlive(
        svc,
        fetch(`${base}/metrics`, { signal: AbortSignal.timeout(API_TIMEOUT_MS) }).then((r) =>
          r.text(),
        ),
        'GET /metrics',
      ),
    );

  // Backlog readers: straight from the bench database on PostgreSQL; on the embedded database
  // (one session, held by the service) from /metrics and the inbox API.
  let pg = null;
  if (!EMBEDDED) {
    pg = new Client({
      connectionString: dbUrl(dbName),
      statement_timeout: 10_000,
      application_name: BENCH_APP,
    });
    await pg.connect();
    cleanups.push({ what: 'the sampler connection', fn: () => pg.end() });
  }
  const backlog = async () => {
    if (pg) {
      const { rows } = await pg.query(`SELECT
          (SELECT count(*) FROM inbox_event WHERE status = 'pending')::int AS inbox,
          (SELECT count(*) FROM inbox_event WHERE status = 'failed')::int AS failed,
          (SELECT count(*) FROM outbox_message WHERE status IN ('pending', 'delivering'))::int AS outbox,
          (SELECT count(*) FROM outbox_message WHERE status = 'delivered')::int AS delivered,
          (SELECT count(*) FROM outbox_message WHERE status = 'dead')::int AS dead,
          (SELECT count(*) FROM outbox_message)::int AS written,
          (SELECT count(*) FROM incident)::int AS incidents,
          (SELECT array_agg(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND application_name <> '${BENCH_APP}') AS pids`);
      return rows[0];
    }
    const m = await metrics();
    const outbox =
      metricSum(m, 'switchboard_outbox_depth', { status: 'pending' }) +
      metricSum(m, 'switchboard_outbox_depth', { status: 'delivering' });
    return {
      inbox: metricSum(m, 'switchboard_inbox_pending'),
      failed: metricSum(m, 'switchboard_inbox_failed_total'),
      outbox,
      delivered: metricSum(m, 'switchboard_outbox_deliveries_total', { outcome: 'delivered' }),
      dead: metricSum(m, 'switchboard_outbox_depth', { status: 'dead' }),
      written: null,
      incidents: metricSum(m, 'switchboard_incidents_total', { event: 'opened' }),
    };
  };
  /** Exact: is any inbox record still pending? (the /metrics gauge lags a batch behind) */
  const inboxPending = async () => {
    if (pg) {
      const { rows } = await pg.query(
        `SELECT count(*)::int AS n FROM inbox_event WHERE status = 'pending'`,
      );
      return rows[0].n;
    }
    const { items } = await api('GET', '/api/v1/inbox?status=pending&limit=1');
    return items.length;
  };
  const outboxBusy = async () => {
    if (pg) {
      const { rows } = await pg.query(
        `SELECT count(*)::int AS n FROM outbox_message WHERE status IN ('pending', 'delivering')`,
      );
      return rows[0].n;
    }
    const [p, d] = await Promise.all([
      api('GET', '/api/v1/outbox?status=pending&limit=1'),
      api('GET', '/api/v1/outbox?status=delivering&limit=1'),
    ]);
    return p.items.length + d.items.length;
  };

  // The deployment: RMM patch feed and monitoring (generic, by webhook), the PSA (polled, writes).
  const rmm = await api('POST', '/api/v1/connectors', {
    kind: 'generic',
    name: 'RMM patch feed',
  });
  const monitoring = await api('POST', '/api/v1/connectors', {
    kind: 'generic',
    name: 'Monitoring',
  });
  const cw = await api('POST', '/api/v1/connectors', {
    kind: 'connectwise-manage',
    name: 'ConnectWise Manage',
    settings: psa.settings,
    pollIntervalSeconds: 3600,
  });
  for (const i of [rmm, monitoring])
    if (!i.webhook?.secret)
      throw new Error(`bench/storm: instance ${i.name} has no webhook secret`);
  const check = await api('POST', `/api/v1/connectors/${cw.id}/check`).catch((e) => ({
    error: e.message,
  }));
  log(
    `instances: generic "RMM patch feed" ${rmm.id}, generic "Monitoring" ${monitoring.id}, connectwise-manage ${cw.id} (check: ${JSON.stringify(check).slice(0, 300)})`,
  );

  // The PSA's first poll: its companies become the clients' links, configurations the devices'.
  const asked = Date.now();
  await api('POST', `/api/v1/connectors/${cw.id}/poll`);
  await waitFor(
    'the first ConnectWise Manage poll',
    async () => {
      const inst = await api('GET', `/api/v1/connectors/${cw.id}`);
      const streams = inst.polling ?? [];
      const failed = streams.find(
        (s) => s.lastErrorAt && new Date(s.lastErrorAt).getTime() >= asked,
      );
      if (failed)
        throw new Error(
          `bench/storm: the ConnectWise Manage poll failed (${failed.stream}): ${failed.lastError}`,
        );
      return (
        streams.length > 0 &&
        streams.every((s) => s.lastSuccessAt && new Date(s.lastSuccessAt).getTime() >= asked)
      );
    },
    120_000,
    250,
  ).catch(failWithLog);
  await waitFor('the PSA poll to be normalized', async () => (await inboxPending()) === 0, 120_000);
  const clients = await api('GET', '/api/v1/clients');
  const devicesBefore = await api('GET', '/api/v1/devices?limit=1');
  log(
    `PSA poll done in ${sec(Date.now() - asked)}: ${(clients.items ?? clients).length} clients, ${devicesBefore.total ?? '?'} devices known`,
  );

  // Idle: settle, then RSS over 3 s.
  await sleep(2000);
  const idleSamples = [];
  for (let i = 0; i < 7; i++) {
    idleSamples.push(rssKb(pid));
    await sleep(SAMPLE_MS);
  }
  const idleRss = idleSamples.filter((x) => x !== null).sort((a, b) => a - b)[3];
  log(`idle RSS ${mb(idleRss)} (median of 7 samples over 3 s)`);

  // ------------------------------------------------------------------------------- the storm
  const psaCreatesBefore = psa.creates.length;
  const stats = {
    accepted: 0,
    stored: 0,
    duplicates: 0,
    retried: 0,
    rejected: new Map(),
    rejectedSamples: [],
    errors: new Map(),
    latencies: [],
    firstSentAt: 0,
    lastAcceptedAt: 0,
  };
  const sentAt = { 'service.down': new Map(), 'device.down': new Map() };
  const samples = [];
  let phase = 'idle';
  const stormStart = Date.now();
  let sampling = true;
  // CPU use since the previous sample, in % of one core: the service, and (on PostgreSQL) the
  // server backends of the bench database, read from /proc (PostgreSQL runs on this machine).
  const cpu = { at: Date.now(), svc: cpuTicks(pid), wait: runQueueWaitNs(pid), pg: new Map() };
  const cpuSince = (pgPids) => {
    const now = Date.now();
    const secs = (now - cpu.at) / 1000;
    const svcTicks = cpuTicks(pid);
    const svc = svcTicks !== null && cpu.svc !== null ? (svcTicks - cpu.svc) / secs : null;
    const waitNs = runQueueWaitNs(pid);
    const svcWait =
      waitNs !== null && cpu.wait !== null ? (100 * (waitNs - cpu.wait)) / 1e9 / secs : null;
    cpu.wait = waitNs;
    let pgUsed = null;
    if (pgPids) {
      pgUsed = 0;
      const seen = new Map();
      for (const p of pgPids) {
        const ticks = cpuTicks(p);
        if (ticks === null) continue;
        seen.set(p, ticks);
        if (cpu.pg.has(p)) pgUsed += (ticks - cpu.pg.get(p)) / secs;
      }
      cpu.pg = seen;
    }
    cpu.at = now;
    cpu.svc = svcTicks;
    return { svcCpu: svc, svcWait, pgCpu: pgUsed };
  };
  if (pg) cpuSince((await backlog()).pids ?? []);
  const sampler = (async () => {
    while (sampling) {
      const t = Date.now();
      try {
        const b = await backlog();
        samples.push({
          t: t - stormStart,
          phase,
          accepted: stats.accepted,
          ...b,
          ...cpuSince(pg ? (b.pids ?? []) : null),
          tickets: psa.creates.length - psaCreatesBefore,
          rss: rssKb(pid),
        });
      } catch (err) {
        samples.push({ t: t - stormStart, phase, error: err.message, rss: rssKb(pid) });
      }
      await sleep(Math.max(0, SAMPLE_MS - (Date.now() - t)));
    }
  })();

  // On PostgreSQL: what the normalizer's session is doing, sampled every 100 ms from
  // pg_stat_activity (the session holding the normalizer's advisory lock, src/ingest/
  // inbox-processor.ts): running a statement (which), or idle in its transaction (the service
  // is working between statements), or no batch running at all.
  const profile = { normalizer: new Map(), samples: 0, others: new Map(), otherSamples: 0 };
  let profiling = Boolean(pg);
  let profiler = Promise.resolve();
  if (pg) {
    const pc = new Client({
      connectionString: dbUrl(dbName),
      statement_timeout: 5_000,
      application_name: BENCH_APP,
    });
    await pc.connect();
    cleanups.push({ what: 'the profiler connection', fn: () => pc.end() });
    const tally = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
    const shape = (q) =>
      q
        .replace(/\s+/g, ' ')
        .replace(/'[^']*'/g, "'…'")
        .replace(/\$\d+/g, '$n')
        .replace(/\b\d+\b/g, 'n')
        .trim()
        .slice(0, 110);
    profiler = (async () => {
      while (profiling) {
        const t = Date.now();
        try {
          const { rows } = await pc.query(
            `SELECT a.state, a.query,
              EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory'
                       AND l.objid = ${NORMALIZE_LOCK} AND l.granted) AS normalizer
              FROM pg_stat_activity a
             WHERE a.datname = current_database() AND a.application_name <> '${BENCH_APP}'
               AND a.backend_type = 'client backend'`,
          );
          profile.samples++;
          const n = rows.find((r) => r.normalizer);
          if (!n) tally(profile.normalizer, '(no normalizer batch running)');
          else if (n.state === 'active') tally(profile.normalizer, `SQL: ${shape(n.query)}`);
          else tally(profile.normalizer, `(${n.state}: the service works between statements)`);
          const busy = rows.filter((r) => !r.normalizer && r.state === 'active');
          profile.otherSamples++;
          for (const r of busy) tally(profile.others, shape(r.query));
        } catch {
          /* a missed sample */
        }
        await sleep(Math.max(0, 100 - (Date.now() - t)));
      }
    })();
  }

  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const targets = {
    rmm: {
      url: `${base}/webhooks/${rmm.id}`,
      headers: { 'x-switchboard-token': rmm.webhook.secret },
    },
    monitoring: {
      url: `${base}/webhooks/${monitoring.id}`,
      headers: { 'x-switchboard-token': monitoring.webhook.secret },
    },
  };
  log(
    `storm: ${storm.events.length} events over ${CONNECTIONS} connections (${Object.entries(
      storm.counts,
    )
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')})`,
  );
  phase = 'storm';
  let next = 0;
  const sender = async () => {
    while (next < storm.events.length) {
      const e = storm.events[next++];
      const target = targets[e.via];
      const payload = JSON.stringify(e.body);
      for (let attempt = 1; ; attempt++) {
        const wall = Date.now();
        if (!stats.firstSentAt) stats.firstSentAt = wall;
        if (attempt === 1 && sentAt[e.kind] && !sentAt[e.kind].has(e.host))
          sentAt[e.kind].set(e.host, wall);
        const t0 = performance.now();
        const res = await post(agent, target.url, target.headers, payload, REQUEST_TIMEOUT_MS);
        const took = performance.now() - t0;
        if (res.error) {
          stats.errors.set(res.error, (stats.errors.get(res.error) ?? 0) + 1);
          if (attempt < 5) {
            stats.retried++;
            await sleep(500);
            continue;
          }
          break;
        }
        if (res.status >= 200 && res.status < 300) {
          stats.accepted++;
          stats.latencies.push(took);
          stats.lastAcceptedAt = Date.now();
          try {
            const b = JSON.parse(res.body);
            stats.stored += b.stored ?? 0;
            stats.duplicates += b.duplicates ?? 0;
          } catch {
            /* counted as accepted all the same */
          }
          break;
        }
        stats.rejected.set(res.status, (stats.rejected.get(res.status) ?? 0) + 1);
        if (stats.rejectedSamples.length < 5)
          stats.rejectedSamples.push(`${res.status} ${res.body.slice(0, 300)}`);
        // A sender retries what the service asks it to retry, as vendors do.
        if ((res.status === 503 || res.status === 429) && attempt < 5) {
          stats.retried++;
          await sleep(Math.min(5000, 1000 * (Number(res.retryAfter) || 1)));
          continue;
        }
        break;
      }
    }
  };
  await whileAlive(
    svc,
    Promise.all(Array.from({ length: CONNECTIONS }, sender)),
    'receiving the storm',
  ).catch(failWithLog);
  const sendDone = Date.now();
  agent.destroy();
  phase = 'drain';
  log(
    `storm sent in ${sec(sendDone - stats.firstSentAt)}: ${stats.accepted} accepted, ${[...stats.rejected.values()].reduce((a, b) => a + b, 0)} rejected answers, ${[...stats.errors.values()].reduce((a, b) => a + b, 0)} transport errors`,
  );

  // Drain: the inbox fully normalized and correlated (outbox rows written with it).
  let drainedAt = null;
  let drainError = null;
  try {
    await whileAlive(
      svc,
      waitFor(
        'the inbox to drain',
        async () => {
          if ((await inboxPending()) === 0) return (drainedAt = Date.now());
          return false;
        },
        DRAIN_TIMEOUT_MS,
        EMBEDDED ? 200 : 100,
      ),
      'draining the inbox',
    );
  } catch (err) {
    drainError = err.message;
  }
  if (drainedAt)
    log(`inbox drained ${sec(drainedAt - stats.lastAcceptedAt)} after the last accept`);
  else log(`inbox NOT drained: ${drainError}`);
  profiling = false;
  await profiler;
  phase = 'outbox';
  let outboxIdleAt = null;
  let outboxError = null;
  if (drainedAt) {
    try {
      const left = Math.max(10_000, DRAIN_TIMEOUT_MS - (Date.now() - stats.lastAcceptedAt));
      await whileAlive(
        svc,
        waitFor(
          'the outbox to be delivered',
          async () => {
            if ((await outboxBusy()) === 0 && (await inboxPending()) === 0)
              return (outboxIdleAt = Date.now());
            return false;
          },
          left,
          EMBEDDED ? 300 : 150,
        ),
        'delivering the outbox',
      );
    } catch (err) {
      outboxError = err.message;
    }
    if (outboxIdleAt)
      log(`outbox delivered ${sec(outboxIdleAt - stats.lastAcceptedAt)} after the last accept`);
    else log(`outbox NOT delivered: ${outboxError}`);
  }
  phase = 'after';
  await sleep(2 * SAMPLE_MS);
  sampling = false;
  await sampler;
  const finalRss = rssKb(pid);

  // ----------------------------------------------------------------------------- the results
  const m = await metrics();
  const incidents = [];
  for (let offset = 0; ; offset += 500) {
    const page = await api('GET', `/api/v1/incidents?limit=500&offset=${offset}`);
    incidents.push(...page.items);
    if (page.items.length < 500 || incidents.length >= page.total) break;
  }
  const countBy = (list, key) =>
    list.reduce((acc, x) => ((acc[key(x)] = (acc[key(x)] ?? 0) + 1), acc), {});
  const inboxFailed = pg
    ? (
        await pg.query(
          `SELECT count(*)::int AS n, min(error) AS e FROM inbox_event WHERE status = 'failed'`,
        )
      ).rows[0]
    : { n: metricSum(m, 'switchboard_inbox_failed_total'), e: null };
  let outboxRows = null;
  if (pg) {
    outboxRows = (
      await pg.query(
        `SELECT o.action, i.kind, o.status, count(*)::int AS n,
                round(avg(extract(epoch FROM (o.delivered_at - o.created_at)))::numeric, 2)::float8 AS avg_s,
                max(o.attempts)::int AS max_attempts, min(o.last_error) AS err
           FROM outbox_message o JOIN connector_instance i ON i.id = o.instance_id
          GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      )
    ).rows;
  }

  // webhook → ticket per device (the first create-ticket request naming the host).
  const HOST = /\bC\d{2}-(?:SRV|WS)-\d{4}\b/i;
  const createdAt = new Map();
  let waveTickets = 0;
  let otherTickets = 0;
  for (const c of psa.creates.slice(psaCreatesBefore)) {
    const host = HOST.exec(c.summary)?.[0]?.toUpperCase();
    if (host) {
      if (!createdAt.has(host)) createdAt.set(host, c.at);
    } else if (/wave/i.test(c.summary)) waveTickets++;
    else otherTickets++;
  }
  const latencyOf = (kind) => {
    const list = [];
    let missing = 0;
    for (const [host, at] of sentAt[kind]) {
      const created = createdAt.get(host);
      if (created === undefined) missing++;
      else list.push(created - at);
    }
    return { list: list.sort((a, b) => a - b), missing };
  };
  const svcDown = latencyOf('service.down');
  const devDown = latencyOf('device.down');
  const tickets = psa.tickets();
  const psaTicketsClosed = tickets.filter((t) => t.closedFlag).length;
  const psaNotes = tickets.reduce((n, t) => n + t.notes.length, 0);

  const lat = stats.latencies.sort((a, b) => a - b);
  const acceptWindow = stats.lastAcceptedAt - stats.firstSentAt;
  const rate = stats.accepted / (acceptWindow / 1000);
  const drainMs = drainedAt ? drainedAt - stats.lastAcceptedAt : null;
  const outboxMs = outboxIdleAt ? outboxIdleAt - stats.lastAcceptedAt : null;
  const peakRss = Math.max(...samples.map((s) => s.rss ?? 0));
  const maxInbox = Math.max(...samples.map((s) => s.inbox ?? 0));
  const maxOutbox = Math.max(...samples.map((s) => s.outbox ?? 0));
  const verdict = (ok) => (ok ? 'met' : 'NOT met');
  const rejectedTotal = [...stats.rejected.values()].reduce((a, b) => a + b, 0);
  const errorsTotal = [...stats.errors.values()].reduce((a, b) => a + b, 0);

  console.log('');
  console.log(
    `bench/storm — the 2 AM story: ${EVENTS} events, ${DEVICES} devices, ${CLIENTS} clients, ` +
      `${CONNECTIONS} connections, ${EMBEDDED ? 'embedded PGlite' : 'PostgreSQL'}, PSA answers after ${PSA_LATENCY_MS} ms, workers on`,
  );
  console.log(
    `  storm: ${Object.entries(storm.counts)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
  console.log('');
  const p95 = pct(svcDown.list, 95);
  // The service's own histogram (buckets 1, 2.5, 5, 10, 25 ms …): the bucket the p99 falls in.
  const decision = histogramQuantile(m, 'switchboard_correlation_decision_seconds', 0.99, {
    type: 'health',
  });
  const decisionText =
    decision.count === 0
      ? '— (no health event decided)'
      : `p99 ${decision.bound === Infinity ? `> ${decision.lastFinite * 1000} ms` : `≤ ${decision.bound * 1000} ms`} (bucket, n ${decision.count})`;
  const rows = [
    ['figure', 'value', 'target'],
    [
      'accepted (2xx)',
      `${stats.accepted} of ${EVENTS} in ${sec(acceptWindow)} → ${rate.toFixed(0)} events/s (${stats.stored} stored, ${stats.duplicates} duplicates)`,
      '— (none set)',
    ],
    [
      'accept latency',
      `p50 ${ms(pct(lat, 50))}   p99 ${ms(pct(lat, 99))}   max ${ms(lat.at(-1))}`,
      '— (none set)',
    ],
    [
      'rejected / transport errors',
      `${rejectedTotal} / ${errorsTotal} (retries ${stats.retried})`,
      '0: every event accepted',
    ],
    [
      'drain: last accept → inbox empty',
      drainedAt ? sec(drainMs) : `timed out (${drainError})`,
      `≤ 10 s: ${verdict(drainMs !== null && drainMs <= TARGET.drainMs)}`,
    ],
    [
      'last accept → outbox delivered',
      outboxIdleAt ? sec(outboxMs) : drainedAt ? `timed out (${outboxError})` : '—',
      '— (none set)',
    ],
    [
      'webhook → ticket, service.down',
      svcDown.list.length > 0
        ? `p50 ${sec(pct(svcDown.list, 50))}   p95 ${sec(p95)}   p99 ${sec(pct(svcDown.list, 99))}   max ${sec(svcDown.list.at(-1))}   (n ${svcDown.list.length}, ${svcDown.missing} without ticket)`
        : `no ticket for any of ${sentAt['service.down'].size} service.down devices`,
      `p95 < 2 s: ${verdict(p95 !== undefined && p95 < TARGET.ticketP95Ms && svcDown.missing === 0)}`,
    ],
    [
      'correlation decision, health event, in the storm',
      decisionText,
      `p99 < 10 ms: ${verdict(decision.count > 0 && decision.bound <= TARGET.decisionP99S)}`,
    ],
    [
      'webhook → ticket, device.down',
      devDown.list.length > 0
        ? `p50 ${sec(pct(devDown.list, 50))}   p95 ${sec(pct(devDown.list, 95))}   p99 ${sec(pct(devDown.list, 99))}   (n ${devDown.list.length}, ${devDown.missing} without ticket)`
        : `no ticket for any of ${sentAt['device.down'].size} device.down devices`,
      '— (not in the issue)',
    ],
    [
      'service RSS idle (before the storm)',
      `${mb(idleRss)} (at ready ${mb(readyRss)})`,
      `< ${TARGET.idleRssKb / 1024} MB ${EMBEDDED ? 'embedded' : 'on PostgreSQL'}: ${verdict(idleRss < TARGET.idleRssKb)}`,
    ],
    ['service RSS peak / after', `${mb(peakRss)} / ${mb(finalRss)}`, '— (none set)'],
  ];
  console.log(table(rows));

  console.log('');
  console.log('  what happened');
  const byState = countBy(incidents, (i) => i.state);
  const byCause = countBy(incidents, (i) => i.cause);
  const children = incidents.filter((i) => i.parentId).length;
  console.log(
    `    incidents            ${incidents.length}: ${Object.entries(byState)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}; cause ${Object.entries(byCause)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}; ${children} in a patch wave`,
  );
  console.log(
    `    expected             ${storm.serviceDown.length + storm.deviceDown.length} device incidents (${storm.serviceDown.length} service.down, ${storm.deviceDown.length} device.down), ${storm.serviceUp.length + storm.deviceUp.length} of them recovered`,
  );
  console.log(
    `    tickets at the PSA   ${tickets.length} on the Monitoring board (${createdAt.size} naming a device, ${waveTickets} wave, ${otherTickets} other), ${psa.creates.length - psaCreatesBefore} create requests, ${psaTicketsClosed} closed, ${psaNotes} notes`,
  );
  console.log(
    `    inbox                failed ${inboxFailed.n}${inboxFailed.e ? ` (e.g. ${inboxFailed.e.slice(0, 200)})` : ''}; most pending at once ${maxInbox}`,
  );
  const avgCpu = (phases, key) => {
    const list = samples.filter((s) => phases.includes(s.phase) && typeof s[key] === 'number');
    return list.length === 0
      ? '—'
      : `${Math.round(list.reduce((n, s) => n + s[key], 0) / list.length)} %`;
  };
  if (drainedAt) {
    const normalizedIn = drainedAt - stats.firstSentAt;
    console.log(
      `    normalize rate       ${stats.stored} new inbox records normalized and correlated ${sec(normalizedIn)} after the first webhook → ${(stats.stored / (normalizedIn / 1000)).toFixed(0)} records/s`,
    );
  }
  console.log(
    `    CPU (100 % = 1 core of ${require('node:os').availableParallelism()})  service: storm ${avgCpu(['storm'], 'svcCpu')}, drain ${avgCpu(['drain'], 'svcCpu')}, outbox ${avgCpu(['outbox'], 'svcCpu')}` +
      ` (its event loop runnable but waiting for a CPU: storm ${avgCpu(['storm'], 'svcWait')}, drain ${avgCpu(['drain'], 'svcWait')}; load average now ${require('node:os')
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')})` +
      (pg
        ? `; PostgreSQL backends: storm ${avgCpu(['storm'], 'pgCpu')}, drain ${avgCpu(['drain'], 'pgCpu')}, outbox ${avgCpu(['outbox'], 'pgCpu')}`
        : ''),
  );
  console.log(
    `    outbox               most undelivered at once ${maxOutbox}; dead ${samples.at(-1)?.dead ?? '?'}`,
  );
  if (outboxRows) {
    console.log(
      table(
        [
          ['action', 'instance', 'status', 'n', 'avg queued→delivered', 'max attempts', 'an error'],
          ...outboxRows.map((r) => [
            r.action,
            r.kind,
            r.status,
            r.n,
            r.avg_s === null ? '—' : `${r.avg_s} s`,
            r.max_attempts,
            (r.err ?? '').slice(0, 70),
          ]),
        ],
        '      ',
      ),
    );
  }
  const routes = [...psa.calls.entries()].sort((a, b) => b[1].n - a[1].n);
  console.log(
    `    PSA calls            ${routes.reduce((n, [, c]) => n + c.n, 0)}, at most ${psa.maxInFlight()} in flight at once: ${routes
      .map(([r, c]) => `${r} ${c.n}`)
      .join(', ')}`,
  );
  const q = (name, labels, p) => {
    const h = histogramQuantile(m, name, p, labels);
    if (h.count === 0) return '—';
    return h.bound === Infinity ? `> ${h.lastFinite} s` : `≤ ${h.bound} s`;
  };
  console.log(
    `    service histograms   webhook→incident opened p50 ${q('switchboard_webhook_to_incident_seconds', { event: 'opened' }, 0.5)}, p95 ${q('switchboard_webhook_to_incident_seconds', { event: 'opened' }, 0.95)}; ` +
      `upsertTicket queued→delivered p50 ${q('switchboard_outbox_delivery_seconds', { action: 'upsertTicket' }, 0.5)}, p95 ${q('switchboard_outbox_delivery_seconds', { action: 'upsertTicket' }, 0.95)}`,
  );
  if (profile.samples > 0) {
    const top = (map, total, k) =>
      [...map.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, k)
        .map(([what, n]) => [`${((100 * n) / total).toFixed(1)} %`, what]);
    console.log(
      `    normalizer session   ${profile.samples} samples of pg_stat_activity every 100 ms, first webhook → inbox drained:`,
    );
    console.log(
      table([['share', 'doing'], ...top(profile.normalizer, profile.samples, 12)], '      '),
    );
    if (profile.others.size > 0) {
      console.log(
        `    other sessions       statements seen running (per sample, all sessions but the normalizer's):`,
      );
      console.log(
        table([['share', 'statement'], ...top(profile.others, profile.otherSamples, 5)], '      '),
      );
    }
  }
  if (stats.rejectedSamples.length > 0) {
    console.log(
      `    rejected answers     ${[...stats.rejected.entries()].map(([s, n]) => `${s}×${n}`).join(', ')}`,
    );
    for (const s of stats.rejectedSamples) console.log(`      ${s}`);
  }
  if (errorsTotal > 0)
    console.log(
      `    transport errors     ${[...stats.errors.entries()].map(([e, n]) => `${e} ×${n}`).join('; ')}`,
    );

  console.log('');
  console.log(
    `  backlog over time (t from the first webhook; inbox = records not normalized yet${EMBEDDED ? ', from /metrics' : ''}; outbox = messages pending or being delivered;`,
  );
  console.log(
    `  CPU in % of one core over the last sample; loop CPU wait = the service's main thread runnable but not running)`,
  );
  const step = Math.max(1, Math.ceil(samples.length / 80));
  const shown = samples.filter(
    (s, i) =>
      i % step === 0 || i === samples.length - 1 || (i > 0 && samples[i - 1].phase !== s.phase),
  );
  console.log(
    table([
      [
        't',
        'phase',
        'accepted',
        'inbox',
        'outbox',
        'delivered',
        'incidents',
        'tickets',
        'RSS',
        'svc CPU',
        'loop CPU wait',
        ...(pg ? ['pg CPU'] : []),
      ],
      ...shown.map((s) =>
        s.error
          ? [
              `${(s.t / 1000).toFixed(1)} s`,
              s.phase,
              '',
              `(${s.error.slice(0, 60)})`,
              '',
              '',
              '',
              '',
              mb(s.rss),
              '',
              '',
              ...(pg ? [''] : []),
            ]
          : [
              `${(s.t / 1000).toFixed(1)} s`,
              s.phase,
              s.accepted,
              s.inbox,
              s.outbox,
              s.delivered,
              s.incidents,
              s.tickets,
              mb(s.rss),
              s.svcCpu === null ? '—' : `${Math.round(s.svcCpu)} %`,
              s.svcWait === null ? '—' : `${Math.round(s.svcWait)} %`,
              ...(pg ? [s.pgCpu === null ? '—' : `${Math.round(s.pgCpu)} %`] : []),
            ],
      ),
    ]),
  );
  if (step > 1)
    console.log(`  (one sample in ${step} of ${samples.length} shown, phase changes kept)`);
  if (profileDir) {
    // The profile is written when the service exits: stop it now (gracefully, SIGTERM).
    await svc.stop();
    const p = summarizeProfile(
      profileDir,
      svc.exitedAt() ?? Date.now(),
      stats.firstSentAt,
      drainedAt ?? Date.now(),
    );
    console.log('');
    if (!p) console.log('  service CPU profile: none written (did the service exit cleanly?)');
    else {
      const top = (map, k) =>
        [...map.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, k)
          .map(([what, v]) => [
            `${(v / 1000).toFixed(1)} s`,
            `${((100 * v) / p.total).toFixed(1)} %`,
            what,
          ]);
      console.log(
        `  service CPU profile, first webhook → inbox drained: ${(p.total / 1000).toFixed(1)} s on CPU, ${(p.idle / 1000).toFixed(1)} s idle (main thread)`,
      );
      console.log(
        table([['self', 'share', 'package or source folder'], ...top(p.byArea, 14)], '    '),
      );
      console.log('');
      console.log(table([['self', 'share', 'function'], ...top(p.byFunction, 20)], '    '));
    }
  }
  console.log('');
  console.log(`  run took ${sec(Date.now() - runStarted)}`);
  return drainedAt !== null;
}

const watchdog = setTimeout(
  () => {
    console.error('bench/storm: the whole run took over 30 minutes; stopping');
    cleanup().finally(() => process.exit(1));
  },
  30 * 60_000 + DRAIN_TIMEOUT_MS * 2,
);
watchdog.unref();

main()
  .then(async (ok) => {
    await cleanup();
    process.exit(ok ? 0 : 1);
  })
  .catch(async (err) => {
    console.error(err.message ?? err);
    if (err.serviceLog) console.error(`\nservice log (tail):\n${err.serviceLog}`);
    else if (err.stack && !/^bench\/storm:/.test(err.message)) console.error(err.stack);
    await cleanup();
    process.exit(1);
  });
