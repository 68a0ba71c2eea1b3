/*
 * bench/lib/storm-events: the 2 AM story across many devices and clients, as generic events.
 *
 * Every device belongs to one client and is reported by the RMM's patch feed: the patch it
 * misses (patch.pending, so the device is known with its client), three patches installed on
 * patch night (KB5034441 first, reboot required), the reboot. Then monitoring reports a share
 * of them broken: MSSQLSERVER not running on servers (service.down) and workstations not
 * answering (device.down, past the reboot grace), and a third of those come back (service.up /
 * device.up). The rest of the total is what monitoring says all night anyway (check.ok on
 * disk, CPU, ping) and webhook retries (the same eventId sent again). Phases go in story order;
 * within a phase the events are shuffled with their share of the noise, so the concurrent
 * sender only ever reorders neighbours.
 */

/** A small seeded PRNG (mulberry32): the same --seed gives the same storm. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(list, rnd) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

const pad = (n, w) => String(n).padStart(w, '0');

const PATCHES = [
  {
    id: 'KB5034441',
    title: '2024-01 Security Update for Windows Server (KB5034441)',
    severity: 'critical',
    category: 'security',
    rebootRequired: true,
  },
  {
    id: 'KB5034439',
    title: '2024-01 Cumulative Update for Windows (KB5034439)',
    severity: 'important',
    category: 'rollup',
    rebootRequired: true,
  },
  {
    id: 'KB890830',
    title: 'Windows Malicious Software Removal Tool x64 - v5.120 (KB890830)',
    severity: 'low',
    category: 'regular',
    rebootRequired: false,
  },
];
const NOISE_CHECKS = ['Disk space C:', 'CPU load', 'Ping', 'Memory', 'Backup job'];

/** Events every device needs (pending, installs, reboot): the least --events can be. */
function storyMinimum(devices) {
  return devices * (2 + PATCHES.length);
}

/**
 * Builds the storm. Returns { events, devices, clients, counts, serviceDown, deviceDown }, each
 * event { via: 'rmm' | 'monitoring', phase, body, host, kind, duplicate }.
 */
function buildStorm({
  total,
  devices: deviceCount,
  clients: clientCount,
  seed = 2,
  now = Date.now(),
}) {
  const rnd = prng(seed);
  const run = `${seed}-${now.toString(36)}`;
  const at = (minutesAgo, jitterMinutes = 0) =>
    new Date(now - (minutesAgo - rnd() * jitterMinutes) * 60_000).toISOString();

  const clients = Array.from({ length: clientCount }, (_, c) => ({
    name: `Client ${pad(c + 1, 2)}`,
    identifier: `CLIENT${pad(c + 1, 3)}`,
  }));
  const devices = Array.from({ length: deviceCount }, (_, i) => {
    const client = clients[i % clientCount];
    const server = i % 4 === 0;
    const host = `C${pad((i % clientCount) + 1, 2)}-${server ? 'SRV' : 'WS'}-${pad(i + 1, 4)}`;
    return {
      host,
      client,
      server,
      device: {
        hostname: host,
        fqdn: `${host.toLowerCase()}.client${pad((i % clientCount) + 1, 2)}.local`,
        ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255 || 1}`,
        serial: `SN${pad(i + 1, 6)}${server ? 'S' : 'W'}`,
        os: server ? 'Windows Server 2022' : 'Windows 11 23H2',
        role: server ? 'sql' : 'workstation',
      },
    };
  });

  const servers = shuffle(
    devices.filter((d) => d.server),
    rnd,
  );
  const workstations = shuffle(
    devices.filter((d) => !d.server),
    rnd,
  );
  // 15 % of all devices lose MSSQLSERVER (servers only), 5 % go down (workstations).
  const serviceDown = servers.slice(0, Math.min(servers.length, Math.round(deviceCount * 0.15)));
  const deviceDown = workstations.slice(
    0,
    Math.min(workstations.length, Math.round(deviceCount * 0.05)),
  );
  const serviceUp = serviceDown.slice(0, Math.floor(serviceDown.length / 3));
  const deviceUp = deviceDown.slice(0, Math.floor(deviceDown.length / 3));

  let seq = 0;
  const ev = (via, phase, d, kind, occurredAt, extra = {}) => ({
    via,
    phase,
    host: d.host,
    kind,
    duplicate: false,
    body: {
      eventId: `storm-${run}-${++seq}`,
      kind,
      occurredAt,
      client: d.client.name,
      device: d.device,
      ...extra,
    },
  });

  // Story phases (times relative to now: patch night was ~45 minutes ago).
  const phases = [
    devices.map((d) =>
      ev('rmm', 'pending', d, 'patch.pending', at(24 * 60, 60), {
        patch: PATCHES[0],
        message: 'approved for the 02:00 maintenance policy',
      }),
    ),
    devices.flatMap((d) =>
      PATCHES.map((p, k) =>
        ev('rmm', 'installed', d, 'patch.installed', at(48 - k, 4), {
          patch: p,
          message: 'installed by the 02:00 maintenance policy',
        }),
      ),
    ),
    devices.map((d) =>
      ev('rmm', 'rebooted', d, 'device.rebooted', at(38, 3), {
        message: 'reboot after patch installation',
      }),
    ),
    [
      ...serviceDown.map((d) =>
        ev('monitoring', 'down', d, 'service.down', at(12, 6), {
          service: { name: 'MSSQLSERVER' },
          check: { name: 'Service MSSQLSERVER' },
          message: "Service 'MSSQLSERVER' is not running",
        }),
      ),
      ...deviceDown.map((d) =>
        ev('monitoring', 'down', d, 'device.down', at(12, 6), {
          message: 'ICMP ping loss 100%',
        }),
      ),
    ],
    [
      ...serviceUp.map((d) =>
        ev('monitoring', 'up', d, 'service.up', at(2, 1), {
          service: { name: 'MSSQLSERVER' },
          check: { name: 'Service MSSQLSERVER' },
          message: "Service 'MSSQLSERVER' is running",
        }),
      ),
      ...deviceUp.map((d) =>
        ev('monitoring', 'up', d, 'device.up', at(2, 1), { message: 'ICMP ping OK' }),
      ),
    ],
  ];
  const story = phases.reduce((n, p) => n + p.length, 0);
  if (story > total) {
    throw new Error(
      `bench/storm: --events ${total} is fewer than the story needs for ${deviceCount} devices ` +
        `(${story}: pending, ${PATCHES.length} patches and a reboot per device, outages and recoveries); ` +
        `raise --events or lower --devices`,
    );
  }
  // The rest: a tenth of it webhook retries (an earlier event of the same phase sent again),
  // the others monitoring's all-clear checks, spread over the phases by their size.
  const extra = total - story;
  const retries = Math.floor(extra / 10);
  const checks = extra - retries;
  const shares = phases.map((p) => p.length / story);
  const out = [];
  let checksLeft = checks;
  let retriesLeft = retries;
  phases.forEach((phase, k) => {
    const last = k === phases.length - 1;
    const nChecks = last ? checksLeft : Math.round(checks * shares[k]);
    const nRetries = last ? retriesLeft : Math.round(retries * shares[k]);
    checksLeft -= nChecks;
    retriesLeft -= nRetries;
    const mixed = [...phase];
    for (let i = 0; i < nChecks; i++) {
      const d = devices[Math.floor(rnd() * devices.length)];
      const check = NOISE_CHECKS[Math.floor(rnd() * NOISE_CHECKS.length)];
      mixed.push(
        ev('monitoring', phase[0]?.phase ?? 'noise', d, 'check.ok', at(60, 58), {
          check: { name: check },
          message: `${check}: OK`,
        }),
      );
    }
    shuffle(mixed, rnd);
    for (let i = 0; i < nRetries; i++) {
      // A retry goes after its original, anywhere later in the phase.
      const from = Math.floor(rnd() * mixed.length);
      const original = mixed[from];
      const copy = { ...original, duplicate: true };
      const to = from + 1 + Math.floor(rnd() * (mixed.length - from));
      mixed.splice(to, 0, copy);
    }
    out.push(...mixed);
  });

  const counts = {};
  for (const e of out) {
    const key = e.duplicate ? `${e.kind} (retry)` : e.kind;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return { events: out, devices, clients, counts, serviceDown, deviceDown, serviceUp, deviceUp };
}

module.exports = { buildStorm, storyMinimum, PATCHES };
