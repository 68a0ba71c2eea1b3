#!/usr/bin/env node
/*
 * bench/footprint: the memory the built service (dist/) holds when idle, on a fresh PostgreSQL
 * database and on a fresh embedded (PGlite) data directory.
 *
 * Each database gets its own service process, started the way an operator starts it. Once
 * /ready answers 200 it is left alone, and at +5 s and +settle s this prints its RSS (VmRSS)
 * and peak RSS (VmHWM) from /proc/<pid>/status, with what process.memoryUsage() says inside it
 * (V8 heap, external memory — PGlite's WebAssembly memory counts there — and ArrayBuffers),
 * beside the targets: PostgreSQL < 200 MB, embedded < 350 MB.
 *
 * --devices N then loads N devices through the public API (a generic connector, N
 * patch.installed events in webhook batches of 1000, one new device each), waits until the
 * normalizer has made every device, lets it settle and prints the RSS again: target < 500 MB.
 *
 * Usage: npm run bench:footprint [-- --settle 30 --devices 100000 --only postgres|embedded]
 * Env: BENCH_DATABASE_URL (admin URL, default postgresql://postgres@127.0.0.1:5432/test)
 *
 * The service process is started with this file as a preload (-r) that only answers this
 * process's requests for process.memoryUsage() over the IPC channel.
 */
const PROBE_ENV = 'SWITCHBOARD_FOOTPRINT_PROBE';

if (require.main !== module) {
  // Preloaded into the service: answer memory questions, keep nothing else alive.
  if (process.env[PROBE_ENV] === '1' && process.send) {
    process.on('message', (m) => {
      if (m === 'memoryUsage') process.send({ memoryUsage: process.memoryUsage() });
    });
    process.channel?.unref();
  }
} else {
  bench().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

async function bench() {
  const { spawn } = require('node:child_process');
  const { randomBytes } = require('node:crypto');
  const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
  const { tmpdir } = require('node:os');
  const { join } = require('node:path');
  const { parseArgs } = require('node:util');
  const { admin, dbUrl } = require('./lib/postgres');
  const { waitReady } = require('./lib/service');

  const { values: args } = parseArgs({
    options: {
      settle: { type: 'string', default: '30' },
      devices: { type: 'string', default: '0' },
      only: { type: 'string' },
    },
  });
  const SETTLE = Number(args.settle);
  const DEVICES = Number(args.devices);
  if (
    !(SETTLE >= 5) ||
    !(DEVICES >= 0) ||
    !['postgres', 'embedded', undefined].includes(args.only)
  ) {
    console.error(
      'usage: node bench/footprint.js [--settle SECONDS (>= 5)] [--devices N] [--only postgres|embedded]',
    );
    process.exit(2);
  }
  const ROOT = join(__dirname, '..');
  const TOKEN = `bench-admin-${randomBytes(12).toString('hex')}`;
  const TARGETS = { postgres: 200, embedded: 350, devices: 500 };
  const MB = 1024 * 1024;
  const mb = (bytes) => `${Math.round(bytes / MB)} MB`;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  /** VmRSS and VmHWM of a process, in bytes. */
  function procStatus(pid) {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
  }

  function memoryUsage(child) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no memory answer in 5 s')), 5000);
      child.once('message', (m) => {
        clearTimeout(timer);
        resolve(m.memoryUsage);
      });
      child.send('memoryUsage');
    });
  }

  async function sample(child, label, target) {
    const { rss, hwm } = procStatus(child.pid);
    const m = await memoryUsage(child);
    const verdict = rss < target * MB ? 'met' : 'NOT met';
    console.log(
      `    ${label.padEnd(16)} RSS ${mb(rss).padStart(7)} (peak ${mb(hwm)})   target < ${target} MB: ${verdict}`,
    );
    console.log(
      `    ${''.padEnd(16)} heap ${mb(m.heapUsed)} used / ${mb(m.heapTotal)}, external ${mb(m.external)}, arrayBuffers ${mb(m.arrayBuffers)}`,
    );
    return rss;
  }

  async function api(url, method, path, body) {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  /** N devices through a generic connector's webhook, 1000 events a request, 4 at a time. */
  async function loadDevices(url, n) {
    const t0 = Date.now();
    const created = await api(url, 'POST', '/api/v1/connectors', {
      kind: 'generic',
      name: 'footprint',
    });
    const path = `/webhooks/${created.id}`;
    const batches = [];
    for (let first = 0; first < n; first += 1000) batches.push(first);
    const send = async (first) => {
      const occurredAt = new Date().toISOString();
      const events = [];
      for (let i = first; i < Math.min(n, first + 1000); i++) {
        events.push({
          eventId: `fp-${i}`,
          kind: 'patch.installed',
          occurredAt,
          client: `Client ${i % 200}`,
          device: { hostname: `FP-${String(i).padStart(7, '0')}`, os: 'Windows Server 2022' },
          patch: { id: `KB50${i % 500}`, title: 'Cumulative update', severity: 'critical' },
        });
      }
      for (;;) {
        const res = await fetch(`${url}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-switchboard-token': created.webhook.secret,
          },
          body: JSON.stringify(events),
        });
        if (res.ok) return;
        if (res.status !== 429 && res.status !== 503)
          throw new Error(`webhook: ${res.status} ${await res.text()}`);
        await sleep(1000 * Number(res.headers.get('retry-after') ?? 1));
      }
    };
    const queue = [...batches];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (queue.length) await send(queue.shift());
      }),
    );
    const accepted = Date.now() - t0;
    let devices = 0;
    for (;;) {
      devices = (await api(url, 'GET', '/api/v1/devices?limit=1')).total;
      const pending = (await api(url, 'GET', '/api/v1/inbox?status=pending&limit=1')).items.length;
      if (devices >= n && pending === 0) break;
      if (Date.now() - t0 > 30 * 60_000) throw new Error(`only ${devices} devices after 30 min`);
      await sleep(2000);
    }
    return { accepted, normalized: Date.now() - t0, devices };
  }

  async function run(kind) {
    const port = 3900 + Math.floor(Math.random() * 90);
    const url = `http://127.0.0.1:${port}`;
    const env = {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      SWITCHBOARD_SECRET_KEY: randomBytes(32).toString('hex'),
      SWITCHBOARD_BOOTSTRAP_TOKEN: TOKEN,
      LOG_LEVEL: 'warn',
      [PROBE_ENV]: '1',
    };
    let name;
    let dataDir;
    if (kind === 'postgres') {
      name = `sb_footprint_${randomBytes(5).toString('hex')}`;
      await admin(`CREATE DATABASE ${name}`);
      env.DATABASE_URL = dbUrl(name);
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'sb-footprint-'));
      env.SWITCHBOARD_DATA_DIR = dataDir;
    }
    const child = spawn(process.execPath, ['-r', __filename, join(ROOT, 'dist/src/main.js')], {
      env,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const exited = new Promise((r) => child.once('exit', r));
    const result = {};
    try {
      const readyMs = await waitReady(url, child);
      const target = TARGETS[kind];
      console.log(
        `  ${kind === 'postgres' ? 'PostgreSQL' : 'embedded (PGlite)'}: ready in ${(readyMs / 1000).toFixed(1)} s`,
      );
      await sleep(5000);
      result.idle5 = await sample(child, 'idle +5 s', target);
      await sleep((SETTLE - 5) * 1000);
      result.idle = await sample(child, `idle +${SETTLE} s`, target);
      if (DEVICES > 0) {
        const load = await loadDevices(url, DEVICES);
        console.log(
          `    ${DEVICES} devices: webhooks accepted in ${(load.accepted / 1000).toFixed(0)} s, all normalized after ${(load.normalized / 1000).toFixed(0)} s (${load.devices} devices)`,
        );
        await sleep(SETTLE * 1000);
        result.loaded = await sample(child, `+${SETTLE} s after`, TARGETS.devices);
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      if (name) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
    return result;
  }

  console.log(
    `bench/footprint — RSS of the built service, idle after /ready (LOG_LEVEL=warn, fresh database)${DEVICES ? `, then ${DEVICES} devices` : ''}`,
  );
  for (const kind of ['postgres', 'embedded'])
    if (!args.only || args.only === kind) await run(kind);
}
