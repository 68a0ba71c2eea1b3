import { CONNECTOR_DEFINITIONS } from '../../connectors/registry';
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
  });
});
