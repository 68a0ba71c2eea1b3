import { FakeHost } from '../../scripts/test-support/fake-host';
import { eventually, startTestApp, type TestApp } from '../support/app';

/**
 * The bash field scripts (scripts/linux/) post to a real Switchboard through the generic
 * connector's webhook, and what they said lands on the device they run on.
 */

interface DeviceRow {
  id: string;
  hostnameKey: string | null;
}

interface HealthRow {
  kind: string;
  subject: string | null;
  origin: string;
  check?: string | null;
  message: string | null;
}

interface DeviceDetail {
  id: string;
  displayName: string;
  hostnameKey: string | null;
  fqdnKey: string | null;
  serialKey: string | null;
  client: { name: string } | null;
  links: { instanceId: string }[];
  recentHealth: HealthRow[];
  lastBootAt?: string | null;
  rebootPending?: boolean | null;
  rebootPendingReason?: string | null;
}

describe('the field scripts, posting to a running Switchboard', () => {
  let t: TestApp;
  let instanceId: string;
  let secret: string;
  let host: FakeHost;
  // Whole seconds: /proc/stat's btime has no more.
  const booted = new Date(Math.floor((Date.now() - 3_600_000) / 1000) * 1000);

  beforeAll(async () => {
    t = await startTestApp();
    const created = await t.api<{ id: string; webhook: { secret: string } }>(
      'POST',
      '/api/v1/connectors',
      { kind: 'generic', name: 'field scripts' },
    );
    expect(created.status).toBe(201);
    instanceId = created.body.id;
    secret = created.body.webhook.secret;
    host = await FakeHost.create({
      hostname: 'web-01',
      fqdn: 'web-01.acme.local',
      serial: 'VMW-4242',
    });
    await host.bootedAt(booted);
  });
  afterAll(async () => {
    await host?.remove();
    await t?.close();
  });

  const webhook = (token = secret) => [
    '--url',
    `${t.baseUrl}/webhooks/${instanceId}`,
    '--secret',
    token,
    '--client',
    'Acme Dental, Inc.',
  ];

  /** Waits until the inbox has no pending record, and says whether any failed. */
  const settled = () =>
    eventually(async () => {
      const inbox = await t.api<{ items: { status: string; error?: string }[] }>(
        'GET',
        '/api/v1/inbox',
      );
      const statuses = inbox.body.items.map((i) => i.status);
      return statuses.includes('pending') ? null : inbox.body.items;
    });

  /** The one device the scripts' host became, looked up through the API. */
  const theDevice = async (): Promise<DeviceDetail> => {
    const list = await t.api<{ items: DeviceRow[]; total: number }>(
      'GET',
      '/api/v1/devices?q=web-01',
    );
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    const detail = await t.api<DeviceDetail>('GET', `/api/v1/devices/${list.body.items[0]?.id}`);
    expect(detail.status).toBe(200);
    return detail.body;
  };

  it('check-critical-services: each service lands on the device, as verification', async () => {
    await host.services({ nginx: 'active', postgresql: 'failed' });
    const run = await host.run('check-critical-services.sh', [...webhook(), 'nginx', 'postgresql']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([
      'Not running: postgresql (failed)',
      'Switchboard: 202 {"accepted":2,"stored":2,"duplicates":0}',
      expect.stringContaining('"posted":true,"exitCode":2}'),
    ]);

    const items = await settled();
    expect(items.map((i) => i.status)).toEqual(['processed', 'processed']);
    const device = await eventually(async () => {
      const d = await theDevice();
      return d.recentHealth.length === 2 ? d : null;
    });
    expect(device).toMatchObject({
      displayName: 'web-01',
      hostnameKey: 'web-01',
      fqdnKey: 'web-01.acme.local',
      serialKey: 'VMW-4242',
      client: { name: 'Acme Dental, Inc.' },
      links: [{ instanceId }],
    });
    const health = [...device.recentHealth].sort((a, b) =>
      String(a.subject).localeCompare(String(b.subject)),
    );
    expect(health).toMatchObject([
      {
        kind: 'service.up',
        subject: 'nginx',
        origin: 'verification',
        message: 'check-critical-services: nginx is active',
      },
      {
        kind: 'service.down',
        subject: 'postgresql',
        origin: 'verification',
        message: 'check-critical-services: postgresql is not active (failed)',
      },
    ]);
    // The check that said it (the lead's health_event.check).
    expect(health.map((h) => h.check)).toEqual([
      'check-critical-services',
      'check-critical-services',
    ]);
  });

  it('check-pending-reboot: the flag and the last boot land on the same device, and clear', async () => {
    const before = await theDevice();
    await host.rebootRequired(['libc6']);
    const pending = await host.run('check-pending-reboot.sh', webhook());
    expect(pending.stderr).toBe('');
    expect(pending.code).toBe(1);
    expect(pending.lines[1]).toBe('Switchboard: 202 {"accepted":1,"stored":1,"duplicates":0}');
    expect((await settled()).every((i) => i.status === 'processed')).toBe(true);

    const flagged = await theDevice();
    expect(flagged.id).toBe(before.id);
    expect(flagged).toMatchObject({
      rebootPending: true,
      rebootPendingReason:
        'check-pending-reboot: reboot-required: /var/run/reboot-required (informational: packages: libc6)',
      lastBootAt: booted.toISOString(),
    });

    await host.rebootRequired(false);
    const clear = await host.run('check-pending-reboot.sh', webhook());
    expect(clear.code).toBe(0);
    expect(clear.report).toMatchObject({ pending: false, posted: true, exitCode: 0 });
    await settled();
    expect(await theDevice()).toMatchObject({ id: before.id, rebootPending: false });
  });

  it('exits 3 on a wrong secret, and Switchboard stores nothing', async () => {
    await settled();
    const stored = await t.count('inbox_event');
    await host.services({ nginx: 'active' });
    const run = await host.run('check-critical-services.sh', [...webhook('whsec_wrong'), 'nginx']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('could not post to Switchboard: it answered HTTP 401');
    expect(run.stderr).toContain('missing or wrong webhook secret');
    expect(run.lines[0]).toBe('All running: nginx');
    expect(run.report).toMatchObject({ ok: true, posted: false, exitCode: 3 });
    expect(await t.count('inbox_event')).toBe(stored);
  });

  it('exits 3 with Switchboard’s reason when it rejects an event', async () => {
    const stored = await t.count('inbox_event');
    // A control character is escaped into valid JSON, but a service name may not hold one.
    const run = await host.run('check-critical-services.sh', [...webhook(), 'bad\u0007name']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('it answered HTTP 400');
    expect(run.stderr).toContain('[0].service.name: must not contain control characters');
    expect(await t.count('inbox_event')).toBe(stored);
  });
});
