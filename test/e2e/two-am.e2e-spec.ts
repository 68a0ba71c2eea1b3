import { PollScheduler } from '../../src/ingest/poll-scheduler';
import { eventually, type TestApp } from '../support/app';
import type { FakeProblem } from '../support/fake-tools';
import { startFakeToolsApp, type FakeToolsApp } from '../support/fake-tools-app';
import type { FakeVendor } from '../support/fake-vendor';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const ALERT =
  "Server-01 is Offline. Trigger: Post-Patch Reboot (KB5034441). Verification: Service 'MSSQLSERVER' failed to start.";

interface Incident {
  id: string;
  state: string;
  cause: string;
  details: { failed: string[]; deviceDown: boolean };
  suspects: { id: string; patchId: string | null; kind: string; reasons: string[] }[];
  tickets: { relation: string; externalId: string | null; status: string }[];
  outbox: { action: string; status: string }[];
  timeline: { kind: string; text: string }[];
}

describe('the 2 AM update, end to end', () => {
  let app: FakeToolsApp;
  let t: TestApp;
  let vendor: FakeVendor;
  let ids: FakeToolsApp['ids'];

  beforeAll(async () => {
    app = await startFakeToolsApp({ ROLLBACK_POLL_SECONDS: '1' });
    ({ t, vendor, ids } = app);
  });
  afterAll(async () => {
    await app.close();
  });

  const rmm = (event: Record<string, unknown>) => app.rmm(event);
  const monitor = (p: FakeProblem) => app.monitor(p);
  const pollHelpdesk = async () => {
    await t.api('POST', `/api/v1/connectors/${ids['fake-helpdesk'].id}/poll`);
    await t.app.get(PollScheduler).tick();
  };
  const incidentOf = async (host: string, state?: string) => {
    const list = await t.api<{ items: { id: string; title: string; state: string }[] }>(
      'GET',
      `/api/v1/incidents${state ? `?state=${state}` : ''}`,
    );
    const found = list.body.items.find((i) => i.title.startsWith(host));
    return found ? (await t.api<Incident>('GET', `/api/v1/incidents/${found.id}`)).body : undefined;
  };
  const device = { id: 'N-1', hostname: 'Server-01' };
  /** A named step of a story: a failure says which step broke. */
  const step = async (name: string, body: () => Promise<void>) => {
    try {
      await body();
    } catch (err) {
      (err as Error).message = `step "${name}": ${(err as Error).message}`;
      throw err;
    }
  };

  it('plays the 2 AM story of Server-01 from the patch to the rollback', async () => {
    // One server's night, in order: each step starts from where the one before left it.
    await step(
      'opens one incident when post-patch verification finds MSSQLSERVER stopped, before monitoring notices',
      async () => {
        vendor.services.set('N-1', [
          { name: 'MSSQLSERVER', state: 'stopped', startType: 'auto' },
          { name: 'Spooler', state: 'running', startType: 'auto' },
        ]);
        expect(
          (
            await rmm({
              eventId: 'p1',
              kind: 'patch.installed',
              occurredAt: ago(30),
              client: 'Acme Dental',
              device,
              patch: {
                id: 'KB5034441',
                title: '2024-01 Security Update (WinRE)',
                severity: 'critical',
                rebootRequired: true,
              },
            })
          ).status,
        ).toBe(202);
        expect(
          (
            await rmm({
              eventId: 'r1',
              kind: 'device.rebooted',
              occurredAt: ago(25),
              client: 'Acme Dental',
              device,
            })
          ).status,
        ).toBe(202);
        const incident = await eventually(() => incidentOf('Server-01'));
        expect(incident).toMatchObject({
          state: 'open',
          cause: 'post-patch-reboot',
          details: { failed: ['MSSQLSERVER'], deviceDown: false },
        });
        expect(incident.suspects.map((s) => s.patchId ?? s.kind)).toEqual(['KB5034441', 'reboot']);
        expect(incident.suspects[0].reasons).toContain('a reboot followed the install');
        // What verification found is recorded as such, not recognised by its wording.
        const origins = await t.db.dataSource.query(
          `SELECT origin FROM health_event WHERE subject = 'MSSQLSERVER' AND inbox_id IS NULL`,
        );
        expect(origins).toEqual([{ origin: 'verification' }]);
      },
    );
    await step(
      'puts the exact alert text on the monitoring problem when the server is seen offline',
      async () => {
        await monitor({
          problemId: 'P-1',
          status: 'problem',
          at: ago(2),
          client: 'Acme Dental',
          host: 'Server-01',
        });
        const note = await eventually(async () => vendor.notes.find((n) => n.problemId === 'P-1'));
        const incident = (await incidentOf('Server-01'))!;
        // The promised sentence, then the page where a person rolls the patch back.
        expect(note.text.startsWith(`${ALERT} Rollback: http`)).toBe(true);
        expect(note.text).toMatch(
          new RegExp(`/console/incidents/${incident.id}/rollback\n+\\[SB-[0-9A-F]{12}\\]$`),
        );
        expect(incident.details.deviceDown).toBe(true);
        // Decisions in the order they were taken, even when the later fact is timestamped earlier.
        expect(incident.timeline.slice(0, 2).map((e) => e.kind)).toEqual(['opened', 'updated']);
      },
    );
    await step(
      'opens exactly one ticket under the client, with the full story, and notes updates on it',
      async () => {
        await eventually(
          async () => vendor.tickets.length === 1 && vendor.tickets[0].notes.length >= 1,
        );
        const [ticket] = vendor.tickets;
        expect(ticket.client).toBe('Acme Dental');
        expect(ticket.host).toBe('Server-01');
        expect(ticket.description).toContain('KB5034441');
        expect(ticket.description).toContain('MSSQLSERVER');
        const incident = (await incidentOf('Server-01'))!;
        expect(ticket.key).toBeTruthy();
        expect(incident.outbox.filter((o) => o.action === 'upsertTicket')).toHaveLength(1);
        expect(incident.tickets).toEqual([
          expect.objectContaining({ relation: 'incident-ticket', externalId: ticket.id }),
        ]);
      },
    );
    await step(
      'ignores a duplicate and a repeated report: no second incident, no second ticket',
      async () => {
        await monitor({
          problemId: 'P-1',
          status: 'problem',
          at: ago(2),
          client: 'Acme Dental',
          host: 'Server-01',
        });
        await rmm({
          kind: 'service.down',
          occurredAt: ago(1.5),
          client: 'Acme Dental',
          device,
          service: { name: 'MSSQLSERVER' },
        });
        await eventually(async () => (await t.count(`inbox_event WHERE status = 'pending'`)) === 0);
        const list = await t.api<{ total: number }>('GET', '/api/v1/incidents?state=open');
        expect(list.body.total).toBe(1);
        expect(vendor.tickets).toHaveLength(1);
        expect(vendor.notes.filter((n) => n.problemId === 'P-1')).toHaveLength(1);
      },
    );
    await step(
      'links a user ticket about the same server to the incident and notes both tickets',
      async () => {
        const user = vendor.openUserTicket(
          'Acme Dental',
          'Server-01',
          'Dental charts app cannot reach its database',
        );
        await pollHelpdesk();
        await eventually(
          async () =>
            user.notes.length === 1 && vendor.tickets[0].notes.some((n) => n.includes(user.id)),
        );
        const incident = (await incidentOf('Server-01'))!;
        expect(incident.tickets.map((x) => x.relation).sort()).toEqual([
          'incident-ticket',
          'user-ticket',
        ]);
      },
    );
    await step(
      'resolves on recovery: notes the problem, notes and closes the ticket, opens nothing new',
      async () => {
        await monitor({
          problemId: 'P-1',
          status: 'ok',
          at: ago(1),
          client: 'Acme Dental',
          host: 'Server-01',
        });
        await rmm({
          kind: 'service.up',
          occurredAt: ago(0.5),
          client: 'Acme Dental',
          device,
          service: { name: 'MSSQLSERVER' },
        });
        await eventually(async () => vendor.tickets[0].status === 'closed');
        // Offline since P-1 (2 min ago), back 30 s ago: the outage began before the incident
        // opened (verification opened it), and the closing note measures from there.
        const closing = vendor.tickets[0].notes.find((n) => n.includes('Outage:'));
        expect(closing).toMatch(/Outage: [12] min \(since /);
        const incident = (await incidentOf('Server-01'))!;
        expect(incident.state).toBe('resolved');
        expect(vendor.notes.filter((n) => n.problemId === 'P-1').map((n) => n.text)[1]).toContain(
          'Server-01',
        );
        const actions = incident.outbox.map((o) => o.action);
        expect(actions.filter((a) => a === 'upsertTicket')).toHaveLength(1);
        expect(actions.filter((a) => a === 'closeTicket')).toHaveLength(1);
        expect(vendor.tickets.filter((x) => x.key)).toHaveLength(1);
      },
    );
    await step(
      'reopens the same incident and ticket when the outage recurs soon after',
      async () => {
        await rmm({
          eventId: 'again',
          kind: 'service.down',
          occurredAt: new Date().toISOString(),
          client: 'Acme Dental',
          device,
          service: { name: 'MSSQLSERVER' },
        });
        await eventually(async () => {
          const i = await incidentOf('Server-01', 'open');
          return i?.timeline.some((e) => e.kind === 'recurred') ? i : undefined;
        });
        expect((await t.api<{ total: number }>('GET', '/api/v1/incidents')).body.total).toBe(1);
        await eventually(async () => vendor.tickets[0].notes.some((n) => /recur/i.test(n)));
        expect(vendor.tickets[0].status).toBe('open');
        expect(vendor.tickets.filter((x) => x.key)).toHaveLength(1);
        const after = (await incidentOf('Server-01', 'open'))!;
        expect(after.outbox.filter((o) => o.action === 'reopenTicket')).toEqual([
          expect.objectContaining({ status: 'delivered' }),
        ]);
        expect(after.tickets.find((x) => x.relation === 'incident-ticket')?.status).toBe('open');
        // The recurrence asks every routed helpdesk for the ticket again (an upsert that finds the
        // existing one): the first upsert and this one, never fewer.
        expect(after.outbox.filter((o) => o.action === 'upsertTicket')).toHaveLength(2);
      },
    );
    await step('plans the rollback on a dry run and changes nothing', async () => {
      const incident = (await incidentOf('Server-01', 'open'))!;
      const plan = await t.api<Record<string, unknown>>(
        'POST',
        `/api/v1/incidents/${incident.id}/rollback`,
        { dryRun: true },
      );
      expect(plan.status).toBe(201);
      expect(plan.body).toMatchObject({
        dryRun: true,
        patchId: 'KB5034441',
        wouldBe: 'running',
        reason: null,
        plan: {
          instance: { id: ids['fake-rmm'].id, kind: 'fake-rmm' },
          device: { name: 'Server-01', externalId: 'N-1' },
          script: { script: 'Remove-Patch.ps1', parameters: '-KB KB5034441' },
        },
      });
      const checks = plan.body.preflight as { check: string; ok: boolean }[];
      expect(checks.map((c) => c.check)).toEqual([
        'rmm',
        'removable',
        'installed',
        'no-other-rollback',
        'online',
        'approval',
      ]);
      expect(checks.every((c) => c.ok)).toBe(true);
      const listed = await t.api<{ total: number }>(
        'GET',
        `/api/v1/incidents/${incident.id}/rollbacks`,
      );
      expect(listed.body.total).toBe(0);
      expect(vendor.rollbacks).toHaveLength(0);
      expect((await incidentOf('Server-01', 'open'))!.suspects[0]).toMatchObject({
        status: 'suspected',
      });
    });
    await step('rolls back the top-ranked suspect with one click, once', async () => {
      const incident = (await incidentOf('Server-01', 'open'))!;
      const first = await t.api<{ id: string; state: string; steps: { state: string }[] }>(
        'POST',
        `/api/v1/incidents/${incident.id}/rollback`,
      );
      expect(first.status).toBe(201);
      expect(first.body.state).toBe('running');
      const second = await t.api('POST', `/api/v1/incidents/${incident.id}/rollback`);
      expect(second.body).toMatchObject({ id: first.body.id, alreadyRequested: true });
      await eventually(async () => vendor.rollbacks.length === 1);
      expect(vendor.rollbacks).toEqual([{ deviceId: 'N-1', patchId: 'KB5034441' }]);
      const now = (await incidentOf('Server-01', 'mitigating'))!;
      expect(now.state).toBe('mitigating');
      // The click confirmed the suspect it rolled back.
      expect(now.suspects[0]).toMatchObject({ patchId: 'KB5034441', status: 'confirmed' });
      await eventually(async () =>
        vendor.tickets[0].notes.some((n) => /asked fake-rmm to roll back KB5034441/.test(n)),
      );
      const audit = await t.api<{ items: { action: string }[] }>('GET', '/api/v1/audit');
      expect(audit.body.items.map((a) => a.action)).toEqual(
        expect.arrayContaining(['incident.suspect.confirm', 'rollback.request']),
      );
      // The job is followed: still running while the RMM says so.
      await eventually(async () => {
        const r = await t.api<{ jobId: string | null }>(
          'GET',
          `/api/v1/rollbacks/${first.body.id}`,
        );
        return r.body.jobId === 'job-1';
      });
    });
    await step(
      'verifies the rollback, resolves the incident, closes the ticket and notes the problem',
      async () => {
        const incident = (await incidentOf('Server-01', 'mitigating'))!;
        const [rollback] = (
          await t.api<{ items: { id: string }[] }>(
            'GET',
            `/api/v1/incidents/${incident.id}/rollbacks`,
          )
        ).body.items;
        vendor.services.set('N-1', [
          { name: 'MSSQLSERVER', state: 'running', startType: 'auto' },
          { name: 'Spooler', state: 'running', startType: 'auto' },
        ]);
        vendor.finishRollback(1, {
          state: 'succeeded',
          exitCode: 0,
          detail: 'script finished with SUCCESS',
          report: {
            kb: 'KB5034441',
            outcome: 'removed',
            exitCode: 0,
            packageName: 'Package_for_RollupFix~31bf3856ad364e35~amd64~~20348.2227.1.8',
          },
        });
        const done = await eventually(async () => {
          const r = await t.api<{
            state: string;
            steps: { state: string }[];
            verification: Record<string, unknown>;
          }>('GET', `/api/v1/rollbacks/${rollback.id}`);
          return r.body.state === 'succeeded' ? r.body : undefined;
        });
        expect(done.steps.map((x) => x.state)).toEqual([
          'requested',
          'running',
          'verifying',
          'succeeded',
        ]);
        expect(done.verification).toMatchObject({
          patchRemoved: true,
          servicesRunning: true,
          services: [{ name: 'MSSQLSERVER', state: 'running' }],
        });
        const after = (await incidentOf('Server-01'))!;
        expect(after.state).toBe('resolved');
        // The incident lists what was tried on it.
        expect((after as unknown as { rollbacks: unknown[] }).rollbacks).toEqual([
          expect.objectContaining({ id: rollback.id, patchId: 'KB5034441', state: 'succeeded' }),
        ]);
        const text = 'Rolled back KB5034441 on Server-01; MSSQLSERVER running.';
        await eventually(async () => vendor.tickets[0].status === 'closed');
        expect(vendor.tickets[0].notes.some((n) => n.includes(text))).toBe(true);
        await eventually(async () =>
          vendor.notes.some(
            (n) => n.problemId === 'P-1' && /rolled back KB5034441 on Server-01/i.test(n.text),
          ),
        );
        // Never reinstalled: the KB is blocked for the client, and visible through the API.
        const clients = await t.api<{ items: { id: string; name: string }[] }>(
          'GET',
          '/api/v1/clients',
        );
        const acme = clients.body.items.find((c) => c.name === 'Acme Dental')!;
        const blocked = await t.api<{ items: { patchId: string; rollbackId: string }[] }>(
          'GET',
          `/api/v1/clients/${acme.id}/blocked-patches`,
        );
        expect(blocked.body.items).toEqual([
          expect.objectContaining({ patchId: 'KB5034441', rollbackId: rollback.id }),
        ]);
        const patch = await t.db.dataSource.query(
          `SELECT status FROM patch_event WHERE patch_id = 'KB5034441' ORDER BY id DESC LIMIT 1`,
        );
        expect(patch).toEqual([{ status: 'rolled_back' }]);
      },
    );
    await step('pages the people on call once per change of state, never per repeat', async () => {
      const pages = () => vendor.pages.filter((p) => p.device === 'Server-01');
      await eventually(async () => pages().length === 5);
      expect(pages().map((p) => [p.event, p.severity])).toEqual([
        ['opened', 'error'],
        ['resolved', 'error'],
        ['recurred', 'error'],
        ['mitigating', 'error'],
        ['resolved', 'error'],
      ]);
      const keys = new Set(pages().map((p) => p.incidentKey));
      expect(keys.size).toBe(1);
      expect(pages()[0].summary).toBe(
        "Server-01 is Degraded. Trigger: Post-Patch Reboot (KB5034441). Verification: Service 'MSSQLSERVER' failed to start.",
      );
      expect(pages()[0].text).toContain('Incident: http');
    });
  });

  it('resolves the incident when a technician closes its ticket, and says so on the problem', async () => {
    await monitor({
      problemId: 'P-2',
      status: 'problem',
      at: ago(1),
      client: 'Globex',
      host: 'Server-02',
      service: 'Spooler',
    });
    const ticket = await eventually(async () =>
      vendor.tickets.find((x) => x.host === 'Server-02' && x.key),
    );
    vendor.closeAsTechnician(ticket.id, 'alice');
    await pollHelpdesk();
    const incident = await eventually(async () => {
      const i = await incidentOf('Server-02');
      return i?.state === 'resolved' ? i : undefined;
    });
    expect(incident.cause).toBe('unknown');
    expect(incident.outbox.filter((o) => o.action === 'closeTicket')).toHaveLength(0);
    await eventually(async () => vendor.notes.filter((n) => n.problemId === 'P-2').length === 2);
  });

  it('treats a reboot that comes back healthy within the grace period as no outage', async () => {
    const d3 = { id: 'N-3', hostname: 'Server-03' };
    vendor.services.set('N-3', [{ name: 'MSSQLSERVER', state: 'running', startType: 'auto' }]);
    await rmm({
      eventId: 'p3',
      kind: 'patch.installed',
      occurredAt: ago(20),
      client: 'Acme Dental',
      device: d3,
      patch: { id: 'KB5034441', rebootRequired: true },
    });
    await monitor({
      problemId: 'P-3',
      status: 'problem',
      at: ago(3),
      client: 'Acme Dental',
      host: 'Server-03',
    });
    await eventually(
      async () =>
        (await t.count(`deferred_check WHERE kind = 'reboot-grace' AND status = 'pending'`)) === 1,
    );
    await monitor({
      problemId: 'P-3',
      status: 'ok',
      at: ago(2),
      client: 'Acme Dental',
      host: 'Server-03',
    });
    await eventually(
      async () =>
        (await t.count(
          `device_timeline t JOIN device d ON d.id = t.device_id WHERE d.display_name = 'Server-03' AND t.kind = 'verification'`,
        )) === 1,
    );
    expect(await incidentOf('Server-03')).toBeUndefined();
    const timeline = await t.db.dataSource.query(
      `SELECT kind FROM device_timeline t JOIN device d ON d.id = t.device_id WHERE d.display_name = 'Server-03' ORDER BY t.id`,
    );
    expect(timeline.map((r: { kind: string }) => r.kind)).toEqual(
      expect.arrayContaining(['expected-reboot', 'verification']),
    );
    expect(vendor.notes.filter((n) => n.problemId === 'P-3')).toHaveLength(0);
  });
});
