import { eventually, type TestApp } from '../support/app';
import type { FakeProblem } from '../support/fake-tools';
import { startFakeToolsApp, type FakeToolsApp } from '../support/fake-tools-app';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

interface DecisionRow {
  outcome: string;
  rule: string;
  reason: string;
  kind: string;
  subject: string | null;
  incidentId: string | null;
  deviceId: string;
  evidence: string[];
}

/** Every decision readable through the API, also those that open no incident. */
describe('GET /api/v1/decisions', () => {
  let app: FakeToolsApp;
  let t: TestApp;

  beforeAll(async () => {
    app = await startFakeToolsApp();
    t = app.t;
  });
  afterAll(async () => {
    await app.close();
  });

  const settle = () =>
    eventually(async () => (await t.count(`inbox_event WHERE status = 'pending'`)) === 0);
  const monitor = async (p: FakeProblem) => {
    expect((await app.monitor(p)).status).toBe(202);
    await settle();
  };
  const clientId = async (name: string) =>
    (await t.db.dataSource.query(`SELECT id FROM client WHERE name = $1`, [name]))[0].id as string;
  const decisions = async (query: string, token?: string) =>
    (
      await t.api<{ items: DecisionRow[]; total: number }>(
        'GET',
        `/api/v1/decisions${query}`,
        undefined,
        token,
      )
    ).body;

  it('explains an expected patch reboot, a repeat, a recovery and a stale report', async () => {
    const device = { id: 'DEC-1', hostname: 'DEC-1' };
    await app.rmm({
      eventId: 'dec-p',
      kind: 'patch.installed',
      occurredAt: ago(10),
      client: 'Decide Co',
      device,
      patch: { id: 'KB5050001', rebootRequired: true },
    });
    await settle();
    // Down right after its patch: the reboot it needed.
    await monitor({
      problemId: 'D-1',
      status: 'problem',
      at: ago(9),
      client: 'Decide Co',
      host: 'DEC-1',
    });
    // Back within the grace period.
    await monitor({
      problemId: 'D-1',
      status: 'ok',
      at: ago(8),
      client: 'Decide Co',
      host: 'DEC-1',
    });
    // A real outage of a service, reported twice (a flap or a duplicate), then recovered.
    const down = {
      problemId: 'D-2',
      status: 'problem',
      at: ago(5),
      client: 'Decide Co',
      host: 'DEC-1',
      service: 'W3SVC',
    } as const;
    await monitor(down);
    await monitor({ ...down, problemId: 'D-2' });
    await app.rmm({
      eventId: 'dec-dup',
      kind: 'service.down',
      occurredAt: ago(4),
      client: 'Decide Co',
      device,
      service: { name: 'W3SVC' },
    });
    await settle();
    await monitor({ ...down, status: 'ok', at: ago(3) });
    // A failure older than the recovery already known: stale.
    await app.rmm({
      eventId: 'dec-old',
      kind: 'service.down',
      occurredAt: ago(3.5),
      client: 'Decide Co',
      device,
      service: { name: 'W3SVC' },
    });
    await settle();

    const client = await clientId('Decide Co');
    const { items } = await decisions(`?clientId=${client}`);
    const story = items.reverse().map((d) => [d.kind, d.subject, d.outcome, d.rule]);
    expect(story).toEqual([
      ['device.down', null, 'expected-reboot', 'expected-reboot'],
      ['device.up', null, 'reboot-ok', 'expected-reboot'],
      ['service.down', 'W3SVC', 'opened', 'post-patch-outage'],
      ['service.down', 'W3SVC', 'repeat', 'duplicate-or-flap'],
      ['service.up', 'W3SVC', 'resolved', 'recovery'],
      ['service.down', 'W3SVC', 'stale', 'stale-event'],
    ]);
    const byOutcome = Object.fromEntries(items.map((d) => [d.outcome, d]));
    expect(byOutcome['expected-reboot'].reason).toMatch(/down during its patch reboot: \d+ min/);
    expect(byOutcome['expected-reboot'].evidence.join(' ')).toContain('KB5050001');
    expect(byOutcome.opened.incidentId).toBeTruthy();
    expect(byOutcome.opened.evidence.join(' ')).toContain('rule post-patch-outage');
    expect(byOutcome.repeat.incidentId).toBe(byOutcome.opened.incidentId);
    expect(byOutcome.stale.reason).toBe('a later recovery of the same thing is already known');

    const repeats = await decisions(`?clientId=${client}&outcome=repeat`);
    expect(repeats.total).toBe(1);
    const onDevice = await t.api<{ items: DecisionRow[] }>(
      'GET',
      `/api/v1/devices/${items[0].deviceId}/decisions`,
    );
    expect(onDevice.body.items).toHaveLength(6);
  });

  it('explains a maintenance window: the incident is kept, nobody is paged', async () => {
    await monitor({
      problemId: 'MW-0',
      status: 'ok',
      at: ago(60),
      client: 'Window Co',
      host: 'MW-1',
      service: 'Spooler',
    });
    const client = await clientId('Window Co');
    const win = await t.api('POST', '/api/v1/maintenance-windows', {
      clientId: client,
      startsAt: ago(30),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      reason: 'SAN upgrade',
    });
    expect(win.status).toBe(201);
    await monitor({
      problemId: 'MW-1',
      status: 'problem',
      at: ago(2),
      client: 'Window Co',
      host: 'MW-1',
      service: 'Spooler',
    });
    const { items } = await decisions(`?clientId=${client}&outcome=suppressed`);
    expect(items).toEqual([
      expect.objectContaining({
        rule: 'maintenance-window',
        reason: 'incident opened but nobody paged: maintenance window (SAN upgrade)',
      }),
    ]);
  });

  it('shows a client-scoped token its own client only, and refuses a bad filter by name', async () => {
    const window = await clientId('Window Co');
    const decide = await clientId('Decide Co');
    const scoped = await t.token('viewer', window);
    const mine = await decisions(`?clientId=${decide}`, scoped);
    // Asked for another client's decisions, it gets its own: the window's two.
    expect(mine.items.map((d) => d.outcome).sort()).toEqual(['no-incident', 'suppressed']);
    const bad = await t.api('GET', '/api/v1/decisions?outcome=maybe');
    expect(bad.status).toBe(400);
    expect((bad.body as { message: string }).message).toContain('outcome: must be one of');
  });
});
