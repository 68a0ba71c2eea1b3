import type { RollbackResult } from '../../connectors/contract/connector';
import { eventually, type TestApp } from '../support/app';
import { startFakeToolsApp, type FakeToolsApp } from '../support/fake-tools-app';
import type { FakeVendor } from '../support/fake-vendor';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

interface Rollback {
  id: string;
  state: string;
  reason: string | null;
  patchId: string;
  deviceId: string;
  approvedBy: string | null;
  requestedBy: string;
  steps: { state: string; by?: string }[];
  preflight: { check: string; ok: boolean; detail: string }[];
}

interface Incident {
  id: string;
  state: string;
  clientId: string;
  deviceId: string | null;
  timeline: { kind: string; text: string }[];
  suspects: { patchId: string | null; status: string }[];
  children: { id: string; deviceId: string }[];
}

const removed = (kb: string): RollbackResult => ({
  state: 'succeeded',
  exitCode: 0,
  detail: 'script finished with SUCCESS',
  report: { kb, outcome: 'removed', exitCode: 0 },
});

/**
 * Rollback beyond the happy path: each refusal with its reason, approval by a second operator,
 * an offline device, failure and timeout, a whole patch wave; and readiness before the next
 * cycle. Each case has its own server and client, so no case depends on another.
 */
describe('rollback: refusals, approval, failure, waves; readiness', () => {
  let app: FakeToolsApp;
  let t: TestApp;
  let vendor: FakeVendor;

  beforeAll(async () => {
    app = await startFakeToolsApp({ ROLLBACK_POLL_SECONDS: '1' });
    ({ t, vendor } = app);
  });
  afterAll(async () => {
    await app.close();
  });

  const settle = () =>
    eventually(async () => (await t.count(`inbox_event WHERE status = 'pending'`)) === 0);

  /** A server patched 30 min ago whose service then stopped: one post-patch incident. */
  async function incidentFor(host: string, client: string, kb: string, title?: string) {
    await app.rmm({
      eventId: `${host}-${kb}`,
      kind: 'patch.installed',
      occurredAt: ago(30),
      client,
      device: { id: host, hostname: host },
      patch: { id: kb, ...(title ? { title } : {}) },
    });
    await app.rmm({
      eventId: `${host}-down`,
      kind: 'service.down',
      occurredAt: ago(2),
      client,
      device: { id: host, hostname: host },
      service: { name: 'MSSQLSERVER' },
    });
    await settle();
    const list = await t.api<{ items: { id: string; title: string }[] }>(
      'GET',
      '/api/v1/incidents?state=open',
    );
    const found = list.body.items.find((i) => i.title.startsWith(host));
    if (!found) throw new Error(`no incident for ${host}`);
    return incident(found.id);
  }
  const incident = async (id: string) =>
    (await t.api<Incident>('GET', `/api/v1/incidents/${id}`)).body;
  const rollback = async (id: string) =>
    (await t.api<Rollback>('GET', `/api/v1/rollbacks/${id}`)).body;
  const ask = (incidentId: string, body: Record<string, unknown> = {}, token?: string) =>
    t.api<Rollback>('POST', `/api/v1/incidents/${incidentId}/rollback`, body, token);
  const ticketFor = (host: string) => vendor.tickets.find((x) => x.host === host);
  const agent = (host: string, online: boolean) =>
    app.rmm({
      kind: 'agent.status',
      id: host,
      hostname: host,
      online,
      at: new Date().toISOString(),
    });

  it('refuses a patch that cannot be removed, with the reason in the answer, timeline and ticket', async () => {
    const i = await incidentFor(
      'RB-SSU',
      'Refusal Co',
      'KB5031000',
      '2023-10 Servicing Stack Update for Windows Server 2022',
    );
    const res = await ask(i.id);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: 'refused', patchId: 'KB5031000' });
    expect(res.body.reason).toMatch(/servicing stack updates cannot be removed/);
    expect(res.body.preflight.find((c) => c.check === 'removable')).toMatchObject({ ok: false });
    expect(vendor.rollbacks.filter((r) => r.deviceId === 'RB-SSU')).toHaveLength(0);
    const after = await incident(i.id);
    expect(after.state).toBe('open');
    expect(after.timeline.at(-1)?.text).toMatch(/Rollback of KB5031000 on RB-SSU refused/);
    await eventually(async () =>
      ticketFor('RB-SSU')?.notes.some((n) => /refused: KB5031000 cannot be removed/.test(n)),
    );
  });

  it('refuses what a user added to the list of patches never to remove', async () => {
    const rule = await t.api<{ id: string }>('POST', '/api/v1/rollback/unremovable-rules', {
      match: 'patch-id',
      pattern: 'kb5032222',
      reason: 'the line-of-business vendor requires it',
    });
    expect(rule.status).toBe(201);
    const rules = await t.api<{ items: { pattern: string; builtIn: boolean }[] }>(
      'GET',
      '/api/v1/rollback/unremovable-rules',
    );
    expect(rules.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pattern: 'Servicing Stack Update', builtIn: true }),
        expect.objectContaining({ pattern: 'KB5032222', builtIn: false }),
      ]),
    );
    const i = await incidentFor('RB-RULE', 'Rule Co', 'KB5032222');
    const res = await ask(i.id);
    expect(res.body).toMatchObject({ state: 'refused' });
    expect(res.body.reason).toContain('the line-of-business vendor requires it');
    expect(
      (await t.api('DELETE', '/api/v1/rollback/unremovable-rules/servicing-stack')).status,
    ).toBe(409);
    expect(
      (await t.api('DELETE', `/api/v1/rollback/unremovable-rules/${rule.body.id}`)).status,
    ).toBe(204);
  });

  it('refuses a patch that is no longer installed, and a second rollback on a busy device', async () => {
    const i = await incidentFor('RB-BUSY', 'Busy Co', 'KB5033333');
    const first = await ask(i.id);
    expect(first.body.state).toBe('running');
    // Another patch on the same device while the first rollback runs.
    const second = await ask(i.id, { patchId: 'KB5039999' });
    expect(second.body.state).toBe('refused');
    expect(second.body.reason).toMatch(/KB5039999 was never reported installed on RB-BUSY/);
    const j = await incidentFor('RB-GONE', 'Busy Co', 'KB5034000');
    // The removal reported after the install above is the latest word on the patch.
    await app.rmm({
      eventId: 'RB-GONE-removed',
      kind: 'patch.rolled_back',
      occurredAt: ago(1),
      client: 'Busy Co',
      device: { id: 'RB-GONE', hostname: 'RB-GONE' },
      patch: { id: 'KB5034000' },
    });
    await settle();
    const gone = await ask(j.id);
    expect(gone.body.state).toBe('refused');
    expect(gone.body.reason).toMatch(/KB5034000 is no longer installed on RB-GONE/);
  });

  it('refuses an offline device, or waits for it when asked to and runs when the RMM reports it back', async () => {
    const i = await incidentFor('RB-OFF', 'Offline Co', 'KB5035555');
    await agent('RB-OFF', false);
    await settle();
    const refused = await ask(i.id);
    expect(refused.body.state).toBe('refused');
    expect(refused.body.reason).toBe('RB-OFF is offline');
    const waiting = await ask(i.id, { whenOnline: true });
    expect(waiting.body.state).toBe('waiting-for-device');
    await new Promise((r) => setTimeout(r, 1500));
    expect(vendor.rollbacks.filter((r) => r.deviceId === 'RB-OFF')).toHaveLength(0);
    expect((await rollback(waiting.body.id)).state).toBe('waiting-for-device');
    await agent('RB-OFF', true);
    await eventually(async () => vendor.rollbacks.some((r) => r.deviceId === 'RB-OFF'), 15_000);
    const running = await rollback(waiting.body.id);
    expect(running.steps.map((s) => s.state)).toEqual([
      'requested',
      'waiting-for-device',
      'running',
    ]);
  });

  it('waits for a second operator when the client requires approval; the requester cannot approve', async () => {
    const i = await incidentFor('RB-APPR', 'Careful Co', 'KB5036666');
    const policy = await t.api('PUT', `/api/v1/clients/${i.clientId}/rollback-policy`, {
      requireApproval: true,
    });
    expect(policy.status).toBe(200);
    const alice = await t.token('operator');
    const bob = await t.token('operator');
    const asked = await ask(i.id, {}, alice);
    expect(asked.body.state).toBe('awaiting-approval');
    const self = await t.api<{ message: string }>(
      'POST',
      `/api/v1/rollbacks/${asked.body.id}/approve`,
      {},
      alice,
    );
    expect(self.status).toBe(409);
    expect(self.body.message).toMatch(/a second operator must approve it/);
    expect(vendor.rollbacks.filter((r) => r.deviceId === 'RB-APPR')).toHaveLength(0);
    const approved = await t.api<Rollback>(
      'POST',
      `/api/v1/rollbacks/${asked.body.id}/approve`,
      { note: 'ok, go' },
      bob,
    );
    expect(approved.status).toBe(200);
    expect(approved.body.state).toBe('running');
    expect(approved.body.approvedBy).not.toBeNull();
    await eventually(async () => vendor.rollbacks.some((r) => r.deviceId === 'RB-APPR'));
    expect(approved.body.steps.map((s) => s.state)).toEqual([
      'requested',
      'awaiting-approval',
      'running',
    ]);
    const audit = await t.api<{ items: { action: string }[] }>('GET', '/api/v1/audit');
    expect(audit.body.items.map((a) => a.action)).toEqual(
      expect.arrayContaining(['rollback.approve', 'client.rollback-policy']),
    );
  });

  it('is refused when the second operator rejects it', async () => {
    const i = await incidentFor('RB-REJ', 'Careful Co', 'KB5037777');
    const asked = await ask(i.id);
    expect(asked.body.state).toBe('awaiting-approval');
    const bob = await t.token('operator');
    const rejected = await t.api<Rollback>(
      'POST',
      `/api/v1/rollbacks/${asked.body.id}/reject`,
      { note: 'not during month end' },
      bob,
    );
    expect(rejected.body.state).toBe('refused');
    expect(rejected.body.reason).toMatch(/^rejected by .+: not during month end$/);
    expect((await incident(i.id)).state).toBe('open');
  });

  it('fails with what the script said, keeps the incident open and notes the ticket', async () => {
    const i = await incidentFor('RB-FAIL', 'Failing Co', 'KB5038888');
    const asked = await ask(i.id);
    expect(asked.body.state).toBe('running');
    expect((await incident(i.id)).state).toBe('mitigating');
    const n = await eventually(async () => {
      const at = vendor.rollbacks.findIndex((r) => r.deviceId === 'RB-FAIL');
      return at >= 0 ? at + 1 : undefined;
    });
    vendor.finishRollback(n, {
      state: 'failed',
      exitCode: 20,
      detail: 'script finished with FAILURE',
      report: {
        kb: 'KB5038888',
        outcome: 'refused',
        exitCode: 20,
        message: 'KB5038888 is a permanent package and cannot be removed',
      },
    });
    const failed = await eventually(async () => {
      const r = await rollback(asked.body.id);
      return r.state === 'failed' ? r : undefined;
    });
    expect(failed.reason).toBe('KB5038888 is a permanent package and cannot be removed');
    const after = await incident(i.id);
    expect(after.state).toBe('open');
    expect(after.timeline.at(-1)?.text).toBe(
      'Rollback of KB5038888 on RB-FAIL failed: KB5038888 is a permanent package and cannot be removed.',
    );
    await eventually(async () =>
      ticketFor('RB-FAIL')?.notes.some((n) =>
        n.includes('Rollback of KB5038888 on RB-FAIL failed'),
      ),
    );
    // Nothing is blocked after a failed rollback.
    const blocked = await t.api<{ total: number }>(
      'GET',
      `/api/v1/clients/${after.clientId}/blocked-patches`,
    );
    expect(blocked.body.total).toBe(0);
  });

  it('fails a run the RMM never reports on once its time is up', async () => {
    const i = await incidentFor('RB-SLOW', 'Slow Co', 'KB5039000');
    const asked = await ask(i.id);
    await eventually(async () => (await rollback(asked.body.id)).steps.length >= 2);
    await eventually(async () => vendor.rollbacks.some((r) => r.deviceId === 'RB-SLOW'));
    // The RMM keeps answering "running"; the deadline is moved instead of waited for.
    await t.db.dataSource.query(`UPDATE rollback SET deadline_at = now() WHERE id = $1`, [
      asked.body.id,
    ]);
    const failed = await eventually(async () => {
      const r = await rollback(asked.body.id);
      return r.state === 'failed' ? r : undefined;
    });
    expect(failed.reason).toMatch(
      /^no result from fake-rmm within 30 min \(queued on the device\)$/,
    );
    expect((await incident(i.id)).state).toBe('open');
  });

  it('rolls back a patch wave as one action, with a result per device', async () => {
    const hosts = ['RBW-1', 'RBW-2', 'RBW-3'];
    for (const host of hosts) {
      vendor.services.set(host, [{ name: 'MSSQLSERVER', state: 'running', startType: 'auto' }]);
      await incidentFor(host, host === 'RBW-3' ? 'Wave Two Co' : 'Wave One Co', 'KB5040404');
    }
    const parents = await t.api<{ items: { id: string }[] }>(
      'GET',
      '/api/v1/incidents?cause=patch-wave&patch=KB5040404',
    );
    expect(parents.body.items).toHaveLength(1);
    const parentId = parents.body.items[0].id;
    const dry = await t.api<{ rollbacks: { wouldBe: string }[] }>(
      'POST',
      `/api/v1/incidents/${parentId}/rollback`,
      { dryRun: true },
    );
    expect(dry.body.rollbacks.map((r) => r.wouldBe)).toEqual(['running', 'running', 'running']);
    const res = await t.api<{ batchId: string; rollbacks: Rollback[] }>(
      'POST',
      `/api/v1/incidents/${parentId}/rollback`,
    );
    expect(res.status).toBe(201);
    expect(res.body.rollbacks.map((r) => r.state)).toEqual(['running', 'running', 'running']);
    await eventually(async () =>
      hosts.every((h) => vendor.rollbacks.some((r) => r.deviceId === h)),
    );
    // Two devices succeed, one fails: each has its own result.
    vendor.rollbacks.forEach((r, index) => {
      if (r.deviceId === 'RBW-1' || r.deviceId === 'RBW-2')
        vendor.finishRollback(index + 1, removed('KB5040404'));
      if (r.deviceId === 'RBW-3')
        vendor.finishRollback(index + 1, {
          state: 'failed',
          exitCode: 1,
          detail: 'script finished with FAILURE',
          report: {
            kb: 'KB5040404',
            outcome: 'failed',
            exitCode: 1,
            message: 'DISM exited 0x800f0825',
          },
        });
    });
    const listed = await eventually(async () => {
      const l = await t.api<{ items: Rollback[] }>(
        'GET',
        `/api/v1/incidents/${parentId}/rollbacks`,
      );
      return l.body.items.every((r) => ['succeeded', 'failed'].includes(r.state))
        ? l.body.items
        : undefined;
    }, 20_000);
    const states = Object.fromEntries(
      await Promise.all(
        listed.map(async (r) => [
          (await t.api<{ displayName: string }>('GET', `/api/v1/devices/${r.deviceId}`)).body
            .displayName,
          r.state,
        ]),
      ),
    );
    expect(states).toEqual({ 'RBW-1': 'succeeded', 'RBW-2': 'succeeded', 'RBW-3': 'failed' });
    expect(new Set(listed.map((r) => (r as unknown as { batchId: string }).batchId))).toEqual(
      new Set([res.body.batchId]),
    );
  });

  it('says whether a device is ready for the next cycle, with every reason', async () => {
    const host = 'RB-READY';
    const client = 'Ready Co';
    const device = { id: host, hostname: host };
    await app.rmm({
      eventId: 'ready-p',
      kind: 'patch.installed',
      occurredAt: ago(600),
      client,
      device,
      patch: { id: 'KB5041000' },
    });
    await app.rmm({
      eventId: 'ready-reboot-flag',
      kind: 'reboot.pending',
      occurredAt: ago(60),
      client,
      device,
      check: { name: 'Test-PendingReboot' },
      lastBootAt: ago(600 * 3),
      message: 'Component Based Servicing: RebootPending',
    });
    await settle();
    const devices = await t.api<{ items: { id: string; name: string }[] }>(
      'GET',
      `/api/v1/devices?q=${host}`,
    );
    const id = devices.body.items[0].id;
    type Readiness = { ready: boolean; reasons: { code: string; detail: string }[] };
    const readiness = async () =>
      (await t.api<Readiness>('GET', `/api/v1/devices/${id}/readiness`)).body;
    let r = await readiness();
    expect(r.ready).toBe(false);
    expect(r.reasons).toEqual([
      {
        code: 'pending-reboot',
        detail:
          'RB-READY waits for a reboot (Test-PendingReboot: Component Based Servicing: RebootPending): reboot it before the next cycle',
        since: expect.any(String),
      },
    ]);
    // A boot after the flag makes it stale.
    await app.rmm({
      eventId: 'ready-rebooted',
      kind: 'device.rebooted',
      occurredAt: ago(30),
      client,
      device,
    });
    await settle();
    r = await readiness();
    expect(r).toMatchObject({ ready: true, reasons: [] });
    // A KB blocked for the client and pending here again; a failed install; a service down.
    const clientId = (await t.api<{ clientId: string }>('GET', `/api/v1/devices/${id}`)).body
      .clientId;
    expect(
      (
        await t.api('POST', `/api/v1/clients/${clientId}/blocked-patches`, {
          patchId: 'kb5041000',
          reason: 'breaks the imaging app',
        })
      ).status,
    ).toBe(201);
    await app.rmm({
      eventId: 'ready-pending',
      kind: 'patch.pending',
      occurredAt: ago(20),
      client,
      device,
      patch: { id: 'KB5041000' },
    });
    await app.rmm({
      eventId: 'ready-failed',
      kind: 'patch.failed',
      occurredAt: ago(20),
      client,
      device,
      patch: { id: 'KB5042000' },
    });
    await app.rmm({
      eventId: 'ready-svc',
      kind: 'service.down',
      occurredAt: ago(5),
      client,
      device,
      service: { name: 'Spooler' },
      check: { name: 'Test-CriticalServices' },
      origin: 'verification',
    });
    await settle();
    r = await readiness();
    expect(r.ready).toBe(false);
    expect(r.reasons.map((x) => x.code).sort()).toEqual(
      ['blocked-patch', 'failed-patch', 'open-incident', 'service-down'].sort(),
    );
    expect(r.reasons.find((x) => x.code === 'service-down')?.detail).toBe(
      'critical service Spooler is down (Test-CriticalServices)',
    );
    const forClient = await t.api<{ ready: boolean; summary: Record<string, number> }>(
      'GET',
      `/api/v1/clients/${clientId}/readiness`,
    );
    expect(forClient.body).toMatchObject({
      ready: false,
      summary: { devices: 1, ready: 0, notReady: 1 },
    });
    expect(
      (await t.api('DELETE', `/api/v1/clients/${clientId}/blocked-patches/KB5041000`)).status,
    ).toBe(204);
    r = await readiness();
    expect(r.reasons.map((x) => x.code)).not.toContain('blocked-patch');
  });
});
