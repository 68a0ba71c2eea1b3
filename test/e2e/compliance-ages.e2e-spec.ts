import { eventually, startTestApp, type TestApp } from '../support/app';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

interface DeviceDetail {
  risk: string;
  rebootPending: { since: string } | null;
  patches: { patchId: string; since: string; ageDays: number }[];
}

/**
 * How long a patch has been missing and a reboot pending decides risk, so both are dated from
 * the first report: a tool that repeats "pending" every day, or a first report delivered after
 * a later one, must not make a device look younger than it is.
 */
describe('compliance ages', () => {
  let t: TestApp;
  let send: (events: object[]) => Promise<void>;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp();
    const created = await t.api<{ id: string; webhook: { secret: string } }>(
      'POST',
      '/api/v1/connectors',
      { kind: 'generic', name: 'rmm-scripts' },
    );
    send = async (events) => {
      const res = await t.post(`/webhooks/${created.body.id}`, JSON.stringify(events), {
        'x-switchboard-token': created.body.webhook.secret,
      });
      expect(res.status).toBe(202);
      await eventually(async () => (await t.count(`inbox_event WHERE status = 'pending'`)) === 0);
      expect(await t.count(`inbox_event WHERE status = 'failed'`)).toBe(0);
    };
  });
  afterAll(() => t?.close());

  const event = (kind: string, host: string, occurredAt: string, extra: object = {}) => ({
    eventId: `age-${++seq}`,
    kind,
    occurredAt,
    client: 'Hotel Ages',
    device: { hostname: host },
    ...extra,
  });

  async function detail(host: string): Promise<DeviceDetail> {
    const list = await t.api<{ items: { clientId: string }[] }>('GET', '/api/v1/compliance');
    const devices = await t.api<{ items: { deviceId: string; name: string }[] }>(
      'GET',
      `/api/v1/compliance/clients/${list.body.items[0].clientId}?q=${host}`,
    );
    const id = devices.body.items.find((d) => d.name === host)!.deviceId;
    return (await t.api<DeviceDetail>('GET', `/api/v1/compliance/devices/${id}`)).body;
  }

  it('keeps a reboot flag reported again dated from its first report, until the device boots', async () => {
    const first = ago(5);
    await send([event('reboot.pending', 'HA-REBOOT', first)]);
    await send([event('reboot.pending', 'HA-REBOOT', ago(0.01))]);
    let d = await detail('HA-REBOOT');
    // Pending for five days, past the three of the default rule.
    expect([d.risk, d.rebootPending]).toEqual(['medium', { since: first }]);

    // It booted; pending again afterwards is a new flag, dated anew.
    await send([event('device.rebooted', 'HA-REBOOT', ago(0.02))]);
    const again = ago(0.01);
    await send([event('reboot.pending', 'HA-REBOOT', again)]);
    d = await detail('HA-REBOOT');
    expect([d.risk, d.rebootPending]).toEqual(['low', { since: again }]);
  });

  it('dates a missing patch from its first report, also when that report arrives late', async () => {
    const critical = { patch: { id: 'KB5070001', severity: 'critical' } };
    await send([event('patch.pending', 'HA-LATE', ago(1), critical)]);
    let d = await detail('HA-LATE');
    expect([d.risk, d.patches.map((p) => p.ageDays)]).toEqual(['medium', [1]]);

    const firstReport = ago(20);
    await send([event('patch.pending', 'HA-LATE', firstReport, critical)]);
    d = await detail('HA-LATE');
    // Missing for 20 days: past the 14 of the default rule.
    expect([d.risk, d.patches.map((p) => [p.since, p.ageDays])]).toEqual([
      'high',
      [[firstReport, 20]],
    ]);

    // Installed since: an even older report of it missing changes nothing.
    await send([event('patch.installed', 'HA-LATE', ago(0.5), critical)]);
    await send([event('patch.pending', 'HA-LATE', ago(30), critical)]);
    d = await detail('HA-LATE');
    expect([d.risk, d.patches]).toEqual(['compliant', []]);
  });
});
