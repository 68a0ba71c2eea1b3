import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { CONNECTOR_DEFINITIONS } from '../../connectors/registry';
import { DeadLetters } from '../../src/outbox/dead-letters';
import { OutboxDispatcher } from '../../src/outbox/outbox-dispatcher';
import { OutboxService } from '../../src/outbox/outbox.service';
import { startTestApp, type TestApp } from '../support/app';
import { probeConnector } from '../support/probe-connector';
import { StubVendor } from '../support/stub-vendor';

/**
 * A replica that claimed a batch and then met a slow vendor may see its lease run out and
 * another replica take over the rest: it must then deliver none of what it no longer owns.
 */
describe('outbox lease ownership', () => {
  let t: TestApp;
  let vendor: StubVendor;
  let instanceId: string;

  beforeAll(async () => {
    vendor = await new StubVendor(() => ({ status: 200, body: { ok: true } })).start();
    // No workers: this test is the replica, and drives its dispatcher by hand.
    t = await startTestApp({
      definitions: [...CONNECTOR_DEFINITIONS, probeConnector],
      workers: false,
      env: { OUTBOX_LEASE_SECONDS: '1' },
    });
    const res = await t.api<{ id: string }>('POST', '/api/v1/connectors', {
      kind: 'probe',
      name: 'P',
      settings: { baseUrl: vendor.url, apiKey: 'lease-key' },
    });
    instanceId = res.body.id;
  });
  afterAll(async () => {
    await t.close();
    await vendor.stop();
  });

  it('checks ownership before each vendor call and skips what another replica took over', async () => {
    const outbox = t.app.get(OutboxService);
    for (const key of ['mine', 'taken'])
      await t.db.dataSource.transaction((m) =>
        outbox.enqueue(m, {
          instanceId,
          action: 'pushAlertNote',
          payload: { target: { id: `P-${key}` }, text: `note ${key}` },
          idempotencyKey: `lease-${key}`,
        }),
      );
    const dispatcher = t.app.get(OutboxDispatcher);
    const claimed = await dispatcher.claim();
    expect(claimed).toHaveLength(2);
    // Meanwhile this replica's lease ran out and another replica claimed one of them.
    await t.db.dataSource.query(
      `UPDATE outbox_message SET lease_owner = 'another-replica' WHERE idempotency_key = 'lease-taken'`,
    );
    await dispatcher.deliverAll(claimed);
    expect(vendor.requests.map((r) => r.path)).toEqual(['/problems/P-mine/notes']);
    const rows = await t.db.dataSource.query(
      `SELECT idempotency_key AS key, status, lease_owner AS owner FROM outbox_message ORDER BY id`,
    );
    expect(rows).toEqual([
      { key: 'lease-mine', status: 'delivered', owner: null },
      { key: 'lease-taken', status: 'delivering', owner: 'another-replica' },
    ]);
    // The message it never delivered spent no attempt here.
    const [taken] = await t.db.dataSource.query(
      `SELECT attempts FROM outbox_message WHERE idempotency_key = 'lease-taken'`,
    );
    expect(taken.attempts).toBe(0);
  });
});

/** A vendor that answers after `delayMs`, counting what it was asked. */
async function slowVendor(
  delayMs: number,
): Promise<{ server: Server; url: string; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    req.resume();
    setTimeout(() => res.end('{"ok":true}'), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
}

describe('outbox lease during a slow vendor call', () => {
  let t: TestApp;
  let vendor: Awaited<ReturnType<typeof slowVendor>>;
  let instanceId: string;

  beforeAll(async () => {
    vendor = await slowVendor(2500);
    t = await startTestApp({
      definitions: [...CONNECTOR_DEFINITIONS, probeConnector],
      workers: false,
      env: { OUTBOX_LEASE_SECONDS: '1' },
    });
    const res = await t.api<{ id: string }>('POST', '/api/v1/connectors', {
      kind: 'probe',
      name: 'slow',
      settings: { baseUrl: vendor.url, apiKey: 'slow-key' },
    });
    instanceId = res.body.id;
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => vendor.server.close(resolve));
  });

  it('renews the lease while the call runs, so no other replica can take the message', async () => {
    await t.db.dataSource.transaction((m) =>
      t.app.get(OutboxService).enqueue(m, {
        instanceId,
        action: 'pushAlertNote',
        payload: { target: { id: 'P-slow' }, text: 'slow note' },
        idempotencyKey: 'slow-1',
      }),
    );
    const dispatcher = t.app.get(OutboxDispatcher);
    const claimed = await dispatcher.claim();
    const delivering = dispatcher.deliverAll(claimed);
    // Well past the 1 s lease, mid-call: another replica looking for work finds nothing.
    await new Promise((resolve) => setTimeout(resolve, 1800));
    const [row] = await t.db.dataSource.query(
      `SELECT status, lease_until > now() AS held FROM outbox_message WHERE idempotency_key = 'slow-1'`,
    );
    expect(row).toEqual({ status: 'delivering', held: true });
    expect(await dispatcher.claim()).toEqual([]);
    await delivering;
    expect(vendor.paths).toEqual(['/problems/P-slow/notes']);
    const [done] = await t.db.dataSource.query(
      `SELECT status, attempts FROM outbox_message WHERE idempotency_key = 'slow-1'`,
    );
    expect(done).toEqual({ status: 'delivered', attempts: 1 });
  });
});

describe('a dead message holds the later messages of its incident', () => {
  let t: TestApp;
  let vendor: StubVendor;
  let instanceId: string;

  beforeAll(async () => {
    vendor = await new StubVendor(() => ({ status: 200, body: { ok: true } })).start();
    t = await startTestApp({
      definitions: [...CONNECTOR_DEFINITIONS, probeConnector],
      workers: false,
    });
    const res = await t.api<{ id: string }>('POST', '/api/v1/connectors', {
      kind: 'probe',
      name: 'held',
      settings: { baseUrl: vendor.url, apiKey: 'held-key' },
    });
    instanceId = res.body.id;
  });
  afterAll(async () => {
    await t.close();
    await vendor.stop();
  });

  it('delivers nothing after it until a person retries or discards it', async () => {
    const incidentId = randomUUID();
    await t.db.dataSource.query(
      `INSERT INTO incident (id, key, state, cause, title, opened_at)
       VALUES ($1, 'held-incident', 'open', 'unknown', 'SRV-1 is Offline', now())`,
      [incidentId],
    );
    const outbox = t.app.get(OutboxService);
    for (const n of [1, 2])
      await t.db.dataSource.transaction((m) =>
        outbox.enqueue(m, {
          instanceId,
          incidentId,
          action: 'pushAlertNote',
          payload: { target: { id: 'P-held' }, text: `note ${n}` },
          idempotencyKey: `held-${n}`,
        }),
      );
    await t.db.dataSource.query(
      `UPDATE outbox_message SET status = 'dead', last_error = 'invalid: rejected' WHERE idempotency_key = 'held-1'`,
    );
    const dispatcher = t.app.get(OutboxDispatcher);
    expect(await dispatcher.claim()).toEqual([]);
    // The console's dead letters say what waits behind it.
    const dead = await new DeadLetters(t.db.dataSource).list(10, 0);
    expect(dead.items.map((d) => [d.payload, d.holding])).toEqual([
      [{ target: { id: 'P-held' }, text: 'note 1' }, 1],
    ]);

    const [first] = await t.db.dataSource.query(
      `SELECT id::text FROM outbox_message WHERE idempotency_key = 'held-1'`,
    );
    const discarded = await t.api('POST', `/api/v1/outbox/${first.id}/discard`);
    expect(discarded.status).toBe(200);
    const claimed = await dispatcher.claim();
    expect(claimed.map((c) => c.idempotencyKey)).toEqual(['held-2']);
    await dispatcher.deliverAll(claimed);
    expect(vendor.requests.map((r) => JSON.parse(r.body).text)).toEqual(['note 2']);
  });
});
