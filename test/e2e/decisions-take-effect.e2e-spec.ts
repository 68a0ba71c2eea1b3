import type { EntityManager } from 'typeorm';
import { RulesService } from '../../src/correlation/rules.service';
import { InboxProcessor } from '../../src/ingest/inbox-processor';
import { InventoryRecorder } from '../../src/inventory/inventory-recorder.service';
import type { EventListener } from '../../src/inventory/recorded-event';
import { eventually } from '../support/app';
import { startFakeToolsApp, type FakeToolsApp } from '../support/fake-tools-app';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/**
 * Decisions reach the tools without waiting: a rule saved on this replica applies to its next
 * event, write-backs go out as soon as their batch commits, and a record that lost a lock race
 * to another replica is processed later instead of being parked as failed.
 */
describe('decisions take effect', () => {
  let app: FakeToolsApp;

  beforeAll(async () => {
    // A worker tick far longer than any wait below: only a wake-up can deliver in time.
    app = await startFakeToolsApp({ WORKER_TICK_MS: '60000' });
  });
  afterAll(async () => {
    await app.close();
  });

  const settle = () =>
    eventually(async () => (await app.t.count(`inbox_event WHERE status = 'pending'`)) === 0);

  it('delivers the ticket of a new incident as soon as its batch commits, not a worker tick later', async () => {
    const device = { id: 'WAKE-1', hostname: 'WAKE-1' };
    await app.rmm({
      eventId: 'wake-p',
      kind: 'patch.installed',
      occurredAt: ago(40),
      client: 'Wake Co',
      device,
      patch: { id: 'KB5000001' },
    });
    await app.monitor({
      problemId: 'WAKE-P1',
      status: 'problem',
      at: ago(1),
      client: 'Wake Co',
      host: 'WAKE-1',
      service: 'W3SVC',
    });
    await eventually(async () => app.vendor.tickets.some((x) => x.host === 'WAKE-1'), 10_000);
    await eventually(async () => app.vendor.notes.some((n) => n.problemId === 'WAKE-P1'), 10_000);
  });

  it('uses a rule override saved on this replica for its very next decision', async () => {
    await app.rmm({
      eventId: 'rules-up',
      kind: 'device.up',
      occurredAt: ago(5),
      client: 'Rules Co',
      device: { id: 'RULES-1', hostname: 'RULES-1' },
    });
    await settle();
    const [{ id: clientId }] = await app.t.db.dataSource.query(
      `SELECT id FROM client WHERE name = 'Rules Co'`,
    );
    const rules = app.t.app.get(RulesService);
    const manager = app.t.db.dataSource.manager;
    expect((await rules.forClient(manager, clientId)).rules.windowHours).toBe(6);
    const saved = await app.t.api('PUT', `/api/v1/rules/clients/${clientId}`, { windowHours: 2 });
    expect(saved.status).toBe(200);
    expect((await rules.forClient(manager, clientId)).rules.windowHours).toBe(2);
    expect((await app.t.api('DELETE', `/api/v1/rules/clients/${clientId}`)).status).toBe(204);
    expect((await rules.forClient(manager, clientId)).rules.windowHours).toBe(6);
  });

  it('keeps a record that keeps losing deadlocks pending, and processes it once the lock is free', async () => {
    const processor = app.t.app.get(InboxProcessor);
    const recorder = app.t.app.get(InventoryRecorder);
    let deadlocks = 0;
    const contended: EventListener = {
      async onRecorded(_m: EntityManager, events) {
        if (events.some((e) => e.type === 'health') && deadlocks < 8) {
          deadlocks++;
          throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
        }
      },
    };
    const unregister = recorder.register(contended);
    try {
      await app.rmm({
        eventId: 'locked-1',
        kind: 'device.up',
        occurredAt: ago(1),
        client: 'Lock Co',
        device: { id: 'LOCKED-1', hostname: 'LOCKED-1' },
      });
      // Each failed try waits for the next batch; run them without waiting for ticks.
      const [{ id }] = await app.t.db.dataSource.query(
        `SELECT id FROM inbox_event WHERE dedupe_key = 'id:locked-1'`,
      );
      // The worker loop may take a turn too: either way, each try is one more lost race.
      await eventually(async () => {
        await processor.processBatch();
        return deadlocks >= 8;
      });
      const row = await eventually(async () => {
        await processor.processBatch();
        const [r] = await app.t.db.dataSource.query(
          `SELECT status, attempts FROM inbox_event WHERE id = $1`,
          [id],
        );
        return r.status === 'pending' ? undefined : r;
      });
      expect(deadlocks).toBe(8);
      expect(row).toEqual({ status: 'processed', attempts: 1 });
    } finally {
      unregister();
    }
  });
});
