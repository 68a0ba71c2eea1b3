import { CONNECTOR_DEFINITIONS } from '../../connectors/registry';
import { PollScheduler } from '../../src/ingest/poll-scheduler';
import { InboxProcessor } from '../../src/ingest/inbox-processor';
import { probeConnector } from '../support/probe-connector';
import { startTestApp, type TestApp } from '../support/app';
import { StubVendor } from '../support/stub-vendor';

const KEY = 'poll-key-123';

/** Pages keyed by the `after` cursor; a page can be made to fail to store (a broken record). */
const pages: Record<
  string,
  { devices: { id: string; name: string; client: string }[]; next: string | null }
> = {
  '': {
    devices: [
      { id: '1', name: 'SRV-A', client: 'Acme' },
      { id: '2', name: 'SRV-B', client: 'Acme' },
    ],
    next: 'p2',
  },
  p2: { devices: [{ id: '3', name: 'SRV-C', client: 'Globex' }], next: 'p3' },
  p3: { devices: [{ id: '4', name: 'SRV-D', client: 'Globex' }], next: null },
};

describe('polling', () => {
  let t: TestApp;
  let vendor: StubVendor;
  let instanceId: string;
  let status = 200;

  beforeAll(async () => {
    vendor = await new StubVendor((req) => {
      if (status !== 200)
        return { status, headers: { 'Retry-After': '30' }, body: { error: 'busy' } };
      const after = new URL(req.path, 'http://x').searchParams.get('after') ?? '';
      return { status: 200, body: pages[after] ?? { devices: [], next: null } };
    }).start();
    t = await startTestApp({
      definitions: [...CONNECTOR_DEFINITIONS, probeConnector],
      workers: false,
    });
    const res = await t.api<{ id: string }>('POST', '/api/v1/connectors', {
      kind: 'probe',
      name: 'P',
      settings: { baseUrl: vendor.url, apiKey: KEY },
      pollIntervalSeconds: 60,
    });
    instanceId = res.body.id;
  });
  afterAll(async () => {
    await t.close();
    await vendor.stop();
  });

  const cursor = async () =>
    (
      await t.db.dataSource.query(`SELECT cursor FROM poll_state WHERE instance_id = $1`, [
        instanceId,
      ])
    )[0]?.cursor ?? null;

  it('does not move the cursor past a page that failed to store, and reports the error', async () => {
    pages.p2.devices.push({ id: 'broken', name: 'X', client: 'Acme' });
    await t.app.get(PollScheduler).tick();
    expect(await cursor()).toBe('p2');
    expect(await t.count('inbox_event')).toBe(2);
    const view = await t.api<{
      polling: { stream: string; lastError: string | null; lastSuccessAt: string | null }[];
    }>('GET', `/api/v1/connectors/${instanceId}`);
    expect(view.body.polling).toEqual([
      expect.objectContaining({
        stream: 'devices',
        lastSuccessAt: null,
        lastError: expect.stringContaining('dedupe_key'),
      }),
    ]);
    pages.p2.devices.pop();
  });

  it('runs one poll per interval: a second tick before it is due pulls nothing', async () => {
    const before = vendor.requests.length;
    await t.app.get(PollScheduler).tick();
    expect(vendor.requests.length).toBe(before);
  });

  it('resumes from the saved cursor, walks every page to the end and stops', async () => {
    vendor.requests.length = 0;
    await t.api('POST', `/api/v1/connectors/${instanceId}/poll`);
    await t.app.get(PollScheduler).tick();
    expect(vendor.requests.map((r) => r.path)).toEqual(['/devices?after=p2', '/devices?after=p3']);
    expect(vendor.requests.every((r) => r.headers['x-api-key'] === KEY)).toBe(true);
    expect(await cursor()).toBe('p3');
    expect(await t.count('inbox_event')).toBe(4);
    await t.app.get(InboxProcessor).loop.drain();
    const devices = await t.db.dataSource.query(
      `SELECT d.display_name, c.name FROM device d JOIN client c ON c.id = d.client_id ORDER BY 1`,
    );
    expect(devices).toEqual([
      { display_name: 'SRV-A', name: 'Acme' },
      { display_name: 'SRV-B', name: 'Acme' },
      { display_name: 'SRV-C', name: 'Globex' },
      { display_name: 'SRV-D', name: 'Globex' },
    ]);
    const view = await t.api<{
      polling: { lastSuccessAt: string | null; lagSeconds: number | null }[];
    }>('GET', `/api/v1/connectors/${instanceId}`);
    expect(view.body.polling[0].lastSuccessAt).not.toBeNull();
    expect(view.body.polling[0].lagSeconds).toBeGreaterThanOrEqual(0);
  });

  it('pushes the next poll out by the vendor’s Retry-After on 429', async () => {
    status = 429;
    await t.api('POST', `/api/v1/connectors/${instanceId}/poll`);
    await t.app.get(PollScheduler).tick();
    status = 200;
    const [row] = await t.db.dataSource.query(
      `SELECT extract(epoch FROM next_poll_at - now()) AS wait FROM connector_instance WHERE id = $1`,
      [instanceId],
    );
    expect(Number(row.wait)).toBeGreaterThan(25);
    const view = await t.api<{ polling: { lastError: string }[] }>(
      'GET',
      `/api/v1/connectors/${instanceId}`,
    );
    expect(view.body.polling[0].lastError).toContain('HTTP 429');
  });
});
