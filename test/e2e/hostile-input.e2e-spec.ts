import { createHash } from 'node:crypto';
import { request as httpRequest, Agent } from 'node:http';
import { freshDatabase, TEST_DB, type TestDatabase } from '../support/database';
import {
  CONTENT_TYPES,
  EXTREME_DATES,
  int,
  malformed,
  NASTY_STRINGS,
  NASTY_VALUES,
  nested,
  pick,
  seeded,
  withField,
  type Rng,
} from '../support/hostile-inputs';
import { eventually } from '../support/app';
import { startService, stopService, type RunningService } from '../support/process';

/**
 * The fuzz test of every outside input: a real service process receives a few thousand seeded
 * hostile requests (webhooks of every connector kind, every API route) and must answer each
 * below 500, stay alive after every block, leak no secret, and keep the good data it had.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const ADMIN = `fuzz-admin-token-${SEED}-0123456789abcdef`;
const VENDOR_SECRETS = {
  zabbix: createHash('sha256').update(`zabbix ${SEED}`).digest('hex'),
  ninjaone: `ninja-client-secret-SECRET-${SEED}`,
  cw: `cw-private-key-SECRET-${SEED}`,
};
const CONCURRENCY = 8;

interface Sent {
  label: string;
  status: number;
  text: string;
}

interface Req {
  label: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** Raw HTTP, so bodies, content types and paths go out exactly as built. */
function send(base: string, r: Req): Promise<Sent> {
  const url = new URL(base);
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        headers: {
          ...(r.body !== undefined ? { 'content-length': Buffer.byteLength(r.body) } : {}),
          ...r.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            label: r.label,
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    // A connection the server cut is an answer too: status 0, judged by the caller.
    req.on('error', (err) => resolve({ label: r.label, status: 0, text: String(err) }));
    if (r.body !== undefined) req.write(r.body);
    req.end();
  });
}

async function sendAll(base: string, reqs: Req[]): Promise<Sent[]> {
  const out: Sent[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < reqs.length) out.push(await send(base, reqs[next++]));
    }),
  );
  return out;
}

interface Instance {
  id: string;
  webhook?: { url: string; secret: string };
}

describe(`hostile input (seed ${SEED}, ${TEST_DB})`, () => {
  let database: TestDatabase;
  let service: RunningService;
  let rng: Rng;
  const answers: Sent[] = [];
  const instances: Record<string, Instance> = {};
  let goodDevices = '';
  let goodClientId = '';

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(service.url + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  const webhook = (
    kind: string,
    label: string,
    body: string | Buffer,
    type = 'application/json',
  ): Req => ({
    label: `${kind}: ${label}`,
    method: 'POST',
    path: `/webhooks/${instances[kind].id}`,
    headers: {
      'content-type': type,
      'x-switchboard-token': instances[kind].webhook!.secret,
    },
    body,
  });

  const event = (n: number) => ({
    eventId: `fuzz-${n}`,
    kind: 'service.down',
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    client: 'Fuzz Co',
    device: { hostname: `FUZZ-${n % 40}`, ip: '10.9.0.1' },
    service: { name: 'Spooler' },
    message: 'fuzz base event',
  });

  /** Sends a block, then checks what must hold after every block. */
  const block = async (name: string, reqs: Req[]) => {
    const sent = await sendAll(service.url, reqs);
    answers.push(...sent);
    const failures = sent.filter((s) => s.status >= 500 || s.status === 0);
    expect({ block: name, failures: failures.slice(0, 5) }).toEqual({ block: name, failures: [] });
    expect(service.child.exitCode).toBeNull();
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
    return sent;
  };

  beforeAll(async () => {
    rng = seeded(SEED);
    database = await freshDatabase();
    service = await startService({
      ...database.env,
      SWITCHBOARD_BOOTSTRAP_TOKEN: ADMIN,
      LOG_LEVEL: 'debug',
    });
    const unreachable = 'http://127.0.0.1:9';
    const settings: Record<string, Record<string, unknown>> = {
      generic: {},
      'generic-good': {},
      zabbix: { url: `${unreachable}/api_jsonrpc.php`, apiToken: VENDOR_SECRETS.zabbix },
      ninjaone: {
        region: 'us',
        baseUrl: 'https://127.0.0.1:9',
        clientId: 'fuzz-client',
        clientSecret: VENDOR_SECRETS.ninjaone,
      },
      'connectwise-manage': {
        site: '127.0.0.1:9',
        companyId: 'fuzz',
        publicKey: 'pub',
        privateKey: VENDOR_SECRETS.cw,
        clientId: 'fuzz-client-id',
        boardId: 1,
        closedStatusName: '>Closed',
      },
    };
    for (const [name, s] of Object.entries(settings)) {
      instances[name] = await api<Instance>('POST', '/api/v1/connectors', {
        kind: name === 'generic-good' ? 'generic' : name,
        name: `fuzz ${name}`,
        settings: s,
        pollIntervalSeconds: 86_400,
      });
    }
    // The good data every hostile block must leave as it is.
    const good = Array.from({ length: 5 }, (_, i) => ({
      eventId: `good-${i}`,
      kind: 'device.up',
      occurredAt: new Date(Date.now() - 120_000).toISOString(),
      client: 'Good Co',
      device: { hostname: `GOOD-${i}`, serial: `SER-${i}` },
    }));
    const stored = await send(service.url, {
      label: 'good',
      method: 'POST',
      path: `/webhooks/${instances['generic-good'].id}`,
      headers: {
        'content-type': 'application/json',
        'x-switchboard-token': instances['generic-good'].webhook!.secret,
      },
      body: JSON.stringify(good),
    });
    expect(stored.status).toBe(202);
    const clients = await eventually(async () => {
      const list = await api<
        { id: string; name: string }[] | { items: { id: string; name: string }[] }
      >('GET', '/api/v1/clients');
      const items = Array.isArray(list) ? list : list.items;
      return items.find((c) => c.name === 'Good Co');
    });
    goodClientId = clients.id;
    goodDevices = await eventually(async () => {
      const text = JSON.stringify(await api('GET', `/api/v1/devices?clientId=${goodClientId}`));
      return (text.match(/GOOD-/g) ?? []).length >= 5 ? text : undefined;
    });
  }, 120_000);

  afterAll(async () => {
    agent.destroy();
    if (service) await stopService(service);
    await database?.drop();
  });

  it('answers malformed JSON with 400 on every connector kind', async () => {
    const kinds = ['generic', 'zabbix', 'ninjaone', 'connectwise-manage'];
    const reqs = Array.from({ length: 300 }, (_, n) =>
      webhook(pick(rng, kinds), 'malformed', malformed(rng, JSON.stringify(event(n)))),
    );
    const sent = await block('malformed JSON', reqs);
    expect(sent.every((s) => s.status >= 400 && s.status < 500)).toBe(true);
  });

  it('answers odd content types and encodings without a 5xx', async () => {
    const reqs = Array.from({ length: 150 }, (_, n) => {
      const r = webhook(
        'generic',
        'content type',
        JSON.stringify(event(1000 + n)),
        pick(rng, CONTENT_TYPES),
      );
      if (rng() < 0.3)
        r.headers = {
          ...r.headers,
          'content-encoding': pick(rng, ['gzip', 'deflate', 'br', 'x-nope']),
        };
      return r;
    });
    await block('content types', reqs);
  });

  it('refuses deep nesting and huge key counts at parse time, and the process lives', async () => {
    const reqs: Req[] = [];
    for (const depth of [65, 200, 1_000, 10_000, 100_000]) {
      for (const kind of ['object', 'array'] as const) {
        const deep = nested(depth, kind);
        const base = JSON.stringify(event(2000 + depth));
        reqs.push(
          webhook('generic', `extra field ${depth} deep`, `${base.slice(0, -1)},"extra":${deep}}`),
        );
        reqs.push(webhook('zabbix', `${depth} deep`, deep));
        reqs.push(webhook('ninjaone', `${depth} deep`, deep));
        reqs.push(webhook('connectwise-manage', `${depth} deep`, deep));
        reqs.push({
          label: `api body ${depth} deep`,
          method: 'POST',
          path: '/api/v1/connectors',
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
          body: `{"kind":"generic","name":"deep","settings":${deep}}`,
        });
      }
    }
    const manyKeys = `{${Array.from({ length: 60_000 }, (_, i) => `"k${i}":0`).join(',')}}`;
    reqs.push(webhook('generic', 'many keys', manyKeys));
    const sent = await block('nesting', reqs);
    const deepOnes = sent.filter((s) => /deep/.test(s.label) && !/ 65 deep/.test(s.label));
    expect(deepOnes.every((s) => s.status === 400 || s.status === 413)).toBe(true);
    expect(sent.find((s) => s.label.endsWith('many keys'))?.text).toContain('more than');
  });

  it('stores or refuses (never 5xx) control characters, NUL and lone surrogates in every field', async () => {
    const fields = [
      'eventId',
      'client',
      'message',
      'device.hostname',
      'device.fqdn',
      'device.ip',
      'device.serial',
      'device.id',
      'service.name',
      'kind',
      'extra',
      'extra.__proto__',
    ];
    const reqs = Array.from({ length: 600 }, (_, n) => {
      const field = pick(rng, fields);
      const value = pick(rng, NASTY_STRINGS);
      return webhook(
        'generic',
        `${field}=${JSON.stringify(value).slice(0, 30)}`,
        JSON.stringify(withField(event(3000 + n), field, value)),
      );
    });
    // The same characters inside vendor payloads, which are stored raw before normalizing.
    for (let n = 0; n < 150; n++) {
      const value = pick(rng, NASTY_STRINGS);
      reqs.push(
        webhook(
          'zabbix',
          'nasty',
          JSON.stringify({ event_id: String(n), host: value, name: value, status: value }),
        ),
        webhook(
          'ninjaone',
          'nasty',
          JSON.stringify({ id: 9000 + n, activityType: value, message: value, deviceId: 1 }),
        ),
        webhook(
          'connectwise-manage',
          'nasty',
          JSON.stringify({ ID: n, Action: value, Type: 'Ticket', Entity: value }),
        ),
      );
    }
    const sent = await block('characters', reqs);
    // A NUL in an identifier is named in the 400; in free text it is stored made safe.
    const nulHost = sent.find((s) => s.label.startsWith('generic: device.hostname="\\u0000'));
    if (nulHost) expect(nulHost.text).toContain('device.hostname');
  });

  it('refuses extreme dates and wrong types with a 400 naming the field', async () => {
    const reqs: Req[] = [];
    for (let n = 0; n < 200; n++) {
      const date = pick(rng, EXTREME_DATES);
      reqs.push(
        webhook(
          'generic',
          `occurredAt=${String(date)}`,
          JSON.stringify({ ...event(4000 + n), occurredAt: date }),
        ),
      );
    }
    const paths = [
      'kind',
      'occurredAt',
      'device',
      'device.hostname',
      'service',
      'service.name',
      'patch',
      'message',
      'client',
      'eventId',
    ];
    for (let n = 0; n < 300; n++) {
      const field = pick(rng, paths);
      reqs.push(
        webhook(
          'generic',
          `type ${field}`,
          JSON.stringify(withField(event(5000 + n), field, pick(rng, NASTY_VALUES))),
        ),
      );
    }
    const sent = await block('dates and types', reqs);
    const farFuture = sent.find((s) => s.label === 'generic: occurredAt=+275760-09-13T00:00:00Z');
    expect(farFuture?.status).toBe(400);
    expect(farFuture?.text).toContain('occurredAt');
  });

  it('keeps prototype keys as data, in bodies and query strings', async () => {
    const reqs: Req[] = [];
    for (let n = 0; n < 100; n++) {
      const key = pick(rng, [
        '__proto__',
        'constructor',
        'prototype',
        'hasOwnProperty',
        'toString',
      ]);
      const body = `{"__proto__":{"isAdmin":true},"${key}":{"x":1},${JSON.stringify(event(6000 + n)).slice(1)}`;
      reqs.push(webhook('generic', `proto ${key}`, body));
      const r = webhook('generic', `proto query ${key}`, JSON.stringify(event(6500 + n)));
      r.path += `?${key}=1&${key}[polluted]=1&token=x`;
      reqs.push(r);
      reqs.push({
        label: `api proto ${key}`,
        method: 'GET',
        path: `/api/v1/devices?${key}=1&${key}[a]=1&q[${key}]=1`,
        headers: { authorization: `Bearer ${ADMIN}` },
      });
    }
    await block('prototype keys', reqs);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('refuses bodies over 1 MiB with 413, and takes 1,000 events in one request', async () => {
    const big = 'x'.repeat(1024 * 1024 + 10);
    const reqs: Req[] = [
      webhook('generic', 'huge', JSON.stringify({ ...event(7000), message: big })),
      webhook('zabbix', 'huge', big),
      webhook(
        'generic',
        '1001 events',
        JSON.stringify(Array.from({ length: 1001 }, (_, i) => event(7100 + i))),
      ),
      webhook(
        'generic',
        '1000 events',
        JSON.stringify(Array.from({ length: 1000 }, (_, i) => event(9000 + i))),
      ),
      {
        label: 'api huge',
        method: 'POST',
        path: '/api/v1/connectors',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'generic', name: big }),
      },
    ];
    const sent = await block('huge bodies', reqs);
    expect(sent.find((s) => s.label === 'generic: huge')?.status).toBe(413);
    expect(sent.find((s) => s.label === 'generic: 1000 events')?.status).toBe(202);
  });

  it('fails a bad row alone: valid events batched beside it are all stored', async () => {
    const before = await api<{ items: unknown[] }>(
      'GET',
      `/api/v1/inbox?instanceId=${instances['generic-good'].id}&limit=500`,
    );
    const reqs: Req[] = [];
    for (let n = 0; n < 80; n++) {
      reqs.push({
        ...webhook(
          'generic-good',
          `valid ${n}`,
          JSON.stringify({ ...event(8000 + n), client: 'Batch Co' }),
        ),
      });
      if (n % 4 === 0)
        reqs.push(
          webhook(
            'generic',
            'nul message',
            JSON.stringify({ ...event(8500 + n), message: 'a\u0000b\udfff' }),
          ),
        );
    }
    const sent = await block('group commit', reqs);
    const valid = sent.filter((s) => s.label.includes('valid'));
    expect(valid.map((s) => s.status)).toEqual(valid.map(() => 202));
    const after = await api<{ items: unknown[] }>(
      'GET',
      `/api/v1/inbox?instanceId=${instances['generic-good'].id}&limit=500`,
    );
    expect(after.items.length - before.items.length).toBe(80);
  });

  it('answers every API route with hostile path, query and body values below 500', async () => {
    const doc = await api<{
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    }>('GET', '/api/docs-json');
    const reqs: Req[] = [];
    const queryNames = [
      'q',
      'limit',
      'offset',
      'since',
      'before',
      'status',
      'state',
      'cause',
      'patch',
      'clientId',
      'deviceId',
      'instanceId',
      'incidentId',
      'unmatched',
    ];
    const queryValues = [
      '%00',
      '%ff',
      '%ud800',
      '-1',
      '99999999999999999999',
      '1e3',
      '1.5',
      'NaN',
      '0x10',
      '%2B275760-09-13T00%3A00%3A00Z',
      '0000-01-01',
      'true%00',
      "'%3B--",
      '__proto__',
      '',
    ];
    for (const [route, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (let n = 0; n < 8; n++) {
          const path = route.replace(/\{(\w+)\}/g, () =>
            pick(rng, [
              '%00',
              '%ff',
              'x'.repeat(3000),
              '00000000-0000-0000-0000-00000000000%00',
              '..%2F..%2F',
              '-1',
              '99999999999999999999999',
              'null',
              '__proto__',
            ]),
          );
          const params = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
          const names = [...new Set([...params, ...queryNames])];
          const query = Array.from(
            { length: int(rng, 1, 3) },
            () => `${pick(rng, names)}=${pick(rng, queryValues)}`,
          ).join('&');
          const hasBody = ['post', 'put', 'patch'].includes(method);
          reqs.push({
            label: `${method.toUpperCase()} ${route}`,
            method: method.toUpperCase(),
            path: `${path}?${query}`,
            headers: {
              authorization: `Bearer ${ADMIN}`,
              'content-type': pick(rng, ['application/json', 'application/json', 'text/plain']),
            },
            body: hasBody ? hostileApiBody(rng) : undefined,
          });
          // The route's own path with a good shape but hostile query and body values.
          const uuidPath = route.replace(/\{(\w+)\}/g, '00000000-0000-4000-8000-000000000000');
          reqs.push({
            label: `${method.toUpperCase()} ${route} (query)`,
            method: method.toUpperCase(),
            path: `${uuidPath}?${query}`,
            headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
            body: hasBody ? hostileApiBody(rng) : undefined,
          });
        }
      }
    }
    expect(reqs.length).toBeGreaterThan(300);
    await block('API routes', reqs);
  });

  it('leaks no secret in any answer or log line, logs no unhandled error, and keeps the good data', async () => {
    const secrets = [
      ADMIN,
      ...Object.values(VENDOR_SECRETS),
      ...Object.values(instances)
        .map((i) => i.webhook?.secret)
        .filter((s): s is string => Boolean(s)),
    ];
    expect(answers.length).toBeGreaterThan(2000);
    for (const secret of secrets) {
      expect(answers.filter((a) => a.text.includes(secret)).map((a) => a.label)).toEqual([]);
      expect(service.output().includes(secret)).toBe(false);
    }
    expect(service.output()).not.toMatch(/unhandled|RangeError|Maximum call stack/i);
    const now = JSON.stringify(await api('GET', `/api/v1/devices?clientId=${goodClientId}`));
    expect(now).toBe(goodDevices);
    const inbox = await api<{ items: { status: string; dedupeKey: string }[] }>(
      'GET',
      `/api/v1/inbox?instanceId=${instances['generic-good'].id}&limit=500`,
    );
    const goodRows = inbox.items.filter((r) => r.dedupeKey.startsWith('id:good-'));
    expect(goodRows.map((r) => r.status)).toEqual(goodRows.map(() => 'processed'));
    expect(goodRows).toHaveLength(5);
  });
});

/** A JSON body of nasty values in the fields API routes take, or a broken body. */
function hostileApiBody(rng: Rng): string {
  const fields = [
    'name',
    'kind',
    'settings',
    'note',
    'deviceId',
    'role',
    'clientId',
    'windowHours',
    'startsAt',
    'endsAt',
    'reason',
    'enabled',
    'pollIntervalSeconds',
    'instanceId',
    'capability',
  ];
  const body: Record<string, unknown> = {};
  for (let i = 0; i < int(rng, 1, 4); i++)
    body[pick(rng, fields)] = pick(rng, [...NASTY_VALUES, ...EXTREME_DATES]);
  return pick(rng, [
    () => JSON.stringify(body),
    () => `{"__proto__":{"role":"admin"},${JSON.stringify(body).slice(1)}`,
    () => malformed(rng, JSON.stringify(body)).toString(),
    () => nested(int(rng, 60, 5000), 'object'),
    () => '',
  ])();
}
