import { CONNECTOR_DEFINITIONS } from '../../connectors/registry';
import { OutboxService } from '../../src/outbox/outbox.service';
import { probeConnector } from '../support/probe-connector';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { StubVendor, type StubHandler } from '../support/stub-vendor';

const KEY = 'outbox-key-42';

describe('outbox delivery', () => {
  let t: TestApp;
  let vendor: StubVendor;
  let instanceId: string;
  let script: StubHandler[] = [];
  const ok: StubHandler = () => ({ status: 200, body: { ok: true } });

  beforeAll(async () => {
    vendor = await new StubVendor((req) => (script.shift() ?? ok)(req)).start();
    t = await startTestApp({
      definitions: [...CONNECTOR_DEFINITIONS, probeConnector],
      env: { OUTBOX_MAX_ATTEMPTS: '3', OUTBOX_BASE_DELAY_MS: '50' },
    });
    const res = await t.api<{ id: string }>('POST', '/api/v1/connectors', {
      kind: 'probe',
      name: 'P',
      settings: { baseUrl: vendor.url, apiKey: KEY },
    });
    instanceId = res.body.id;
    // Keep the poller away from the stub: these tests count its requests.
    await t.db.dataSource.query(
      `UPDATE connector_instance SET next_poll_at = now() + interval '1 day'`,
    );
  });
  afterAll(async () => {
    await t.close();
    await vendor.stop();
  });
  beforeEach(() => {
    vendor.requests.length = 0;
  });

  const enqueue = async (key: string) => {
    const outbox = t.app.get(OutboxService);
    await t.db.dataSource.transaction((m) =>
      outbox.enqueue(m, {
        instanceId,
        action: 'pushAlertNote',
        payload: { target: { id: 'P-77' }, text: `note ${key}` },
        idempotencyKey: key,
      }),
    );
    outbox.notify();
    const [row] = await t.db.dataSource.query(
      `SELECT id FROM outbox_message WHERE idempotency_key = $1`,
      [key],
    );
    return String(row.id);
  };
  const message = async (id: string) =>
    (
      await t.api<{ status: string; attempts: number; lastError: string | null }>(
        'GET',
        `/api/v1/outbox/${id}`,
      )
    ).body;

  it('enqueues one message per idempotency key', async () => {
    const outbox = t.app.get(OutboxService);
    const again = await t.db.dataSource.transaction(async (m) => {
      await outbox.enqueue(m, {
        instanceId,
        action: 'pushAlertNote',
        payload: { target: { id: 'X' }, text: 'a' },
        idempotencyKey: 'same',
      });
      return outbox.enqueue(m, {
        instanceId,
        action: 'pushAlertNote',
        payload: { target: { id: 'X' }, text: 'a' },
        idempotencyKey: 'same',
      });
    });
    expect(again).toBe(false);
    expect(await t.count(`outbox_message WHERE idempotency_key = 'same'`)).toBe(1);
    t.app.get(OutboxService).notify();
    await eventually(
      async () =>
        (await t.count(
          `outbox_message WHERE idempotency_key = 'same' AND status = 'delivered'`,
        )) === 1,
    );
  });

  it('retries after a 503 no sooner than its Retry-After, then delivers', async () => {
    script = [
      () => ({ status: 503, headers: { 'Retry-After': '1' }, body: { error: 'maintenance' } }),
    ];
    const started = Date.now();
    const id = await enqueue('retry-after');
    const delivered = await eventually(
      async () => ((await message(id)).status === 'delivered' ? message(id) : null),
      10_000,
    );
    const mine = vendor.requests.filter(
      (r) => r.path === '/problems/P-77/notes' && r.body.includes('note retry-after'),
    );
    expect(mine).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(delivered.attempts).toBe(2);
    expect(
      mine.every(
        (r) =>
          r.method === 'POST' &&
          r.headers['x-api-key'] === KEY &&
          JSON.parse(r.body).text === 'note retry-after',
      ),
    ).toBe(true);
  });

  it('does not spend attempts on rate limits: five 429s, then delivered on its first real try', async () => {
    script = [1, 2, 3, 4, 5].map(() => () => ({
      status: 429,
      headers: { 'Retry-After': '0' },
      body: { error: 'slow down' },
    }));
    const id = await enqueue('rate-limited');
    const delivered = await eventually(
      async () => ((await message(id)).status === 'delivered' ? message(id) : null),
      10_000,
    );
    const mine = vendor.requests.filter((r) => r.body.includes('note rate-limited'));
    // Maximum attempts is 3 here: the limit was never reached, since a 429 is no failure.
    expect(mine).toHaveLength(6);
    expect(delivered.attempts).toBe(1);
  });

  it('dead-letters after the maximum attempts, and the API can retry it', async () => {
    script = [1, 2, 3].map(() => () => ({ status: 502, body: {} }));
    const id = await enqueue('dead');
    const dead = await eventually(
      async () => ((await message(id)).status === 'dead' ? message(id) : null),
      10_000,
    );
    expect(dead.attempts).toBe(3);
    expect(dead.lastError).toContain('HTTP 502');
    const listed = await t.api<{ items: { id: string }[] }>('GET', '/api/v1/outbox?status=dead');
    expect(listed.body.items.map((i) => String(i.id))).toContain(id);
    expect(
      await t.app
        .get(OutboxService)
        .dataSource.query(
          `SELECT count(*)::int AS n FROM outbox_message WHERE id = $1 AND status = 'dead'`,
          [id],
        ),
    ).toEqual([{ n: 1 }]);

    const retried = await t.api('POST', `/api/v1/outbox/${id}/retry`);
    expect(retried.status).toBe(200);
    await eventually(async () => (await message(id)).status === 'delivered');
    const audit = await t.api<{ items: { action: string; targetId: string }[] }>(
      'GET',
      '/api/v1/audit',
    );
    expect(audit.body.items).toContainEqual(
      expect.objectContaining({ action: 'outbox.retry', targetId: id }),
    );
  });

  it('gives up at once on a rejected credential (401 is not retryable)', async () => {
    script = [() => ({ status: 401, body: {} })];
    const id = await enqueue('auth');
    const dead = await eventually(async () =>
      (await message(id)).status === 'dead' ? message(id) : null,
    );
    expect(dead.attempts).toBe(1);
    expect(dead.lastError).toMatch(/^auth: /);
    expect(dead.lastError).not.toContain(KEY);
  });

  it('discards a dead message on request, and refuses to discard a delivered one', async () => {
    script = [() => ({ status: 400, body: {} })];
    const id = await enqueue('discard-me');
    await eventually(async () => (await message(id)).status === 'dead');
    expect((await t.api('POST', `/api/v1/outbox/${id}/discard`)).body).toMatchObject({
      status: 'discarded',
    });
    const delivered = await enqueue('delivered-one');
    await eventually(async () => (await message(delivered)).status === 'delivered');
    const refused = await t.api('POST', `/api/v1/outbox/${delivered}/discard`);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('status');
  });
});
