import { startTestApp, eventually, type TestApp } from '../support/app';

/**
 * Device matching as an MSP's clients make it hard: the same private addresses at several
 * clients, DHCP moving them, and tools that know a machine by different records.
 */
describe('device matching', () => {
  let t: TestApp;
  let send: (events: unknown[]) => Promise<{ status: number; body: Record<string, unknown> }>;
  let sendOther: typeof send;

  beforeAll(async () => {
    t = await startTestApp();
    const make = async (name: string) => {
      const created = await t.api<{ id: string; webhook: { secret: string } }>(
        'POST',
        '/api/v1/connectors',
        { kind: 'generic', name },
      );
      return (events: unknown[]) =>
        t.post(`/webhooks/${created.body.id}`, JSON.stringify(events), {
          'x-switchboard-token': created.body.webhook.secret,
        });
    };
    send = await make('rmm script');
    sendOther = await make('monitoring script');
  });
  afterAll(async () => {
    await t.close();
  });

  const at = () => new Date(Date.now() - 60_000).toISOString();
  let n = 0;
  const up = (client: string | undefined, device: Record<string, string>) => ({
    eventId: `m-${++n}`,
    kind: 'device.up',
    occurredAt: at(),
    ...(client ? { client } : {}),
    device,
  });
  const settle = () =>
    eventually(async () => (await t.count(`inbox_event WHERE status = 'pending'`)) === 0);
  const devicesNamed = async (...names: string[]) =>
    (await t.db.dataSource.query(
      `SELECT d.id, d.display_name FROM device d WHERE d.display_name = ANY($1) ORDER BY d.display_name`,
      [names],
    )) as { id: string; display_name: string }[];

  it('keeps two machines of different names apart although they share an address', async () => {
    expect((await send([up('Acme', { hostname: 'PC-ANNA', ip: '192.168.1.20' })])).status).toBe(
      202,
    );
    await settle();
    // DHCP gave the address to another machine of the same client.
    expect((await send([up('Acme', { hostname: 'PC-BERT', ip: '192.168.1.20' })])).status).toBe(
      202,
    );
    await settle();
    expect(await devicesNamed('PC-ANNA', 'PC-BERT')).toHaveLength(2);
  });

  it('never matches across clients on an address, nor a record without a client', async () => {
    await send([up('Globex', { hostname: 'SRV-G', ip: '10.0.0.5' })]);
    await settle();
    // A record without a client, while one device has the address: still not that device.
    await send([up(undefined, { ip: '10.0.0.5' })]);
    await settle();
    await sendOther([up('Initech', { ip: '10.0.0.5' })]);
    await settle();
    const [{ n: sharing }] = await t.db.dataSource.query(
      `SELECT count(*)::int AS n FROM device WHERE ip = '10.0.0.5'`,
    );
    expect(sharing).toBe(3);
  });

  it('lets an address confirm the same machine within its client when nothing contradicts it', async () => {
    await send([up('Umbrella', { hostname: 'SQL-U', ip: '10.1.0.9' })]);
    await settle();
    await sendOther([up('Umbrella', { ip: '10.1.0.9' })]);
    await settle();
    const [device] = await devicesNamed('SQL-U');
    const links = await t.db.dataSource.query(
      `SELECT matched_by FROM device_link WHERE device_id = $1 ORDER BY first_seen_at`,
      [device.id],
    );
    expect(links).toEqual([{ matched_by: 'new' }, { matched_by: 'ip' }]);
  });

  it('refuses an address that is not one, naming the field', async () => {
    const res = await send([up('Acme', { hostname: 'PC-X', ip: 'not-an-ip' })]);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('[0].device.ip: must be an IPv4 or IPv6 address');
  });

  it('lists a machine known to one tool as unmatched, however many records that tool sent', async () => {
    // One tool, two records of the same machine (by id, then by its hostname).
    await send([up('Soylent', { id: 'N-77', hostname: 'LAPTOP-7', serial: 'SER-77' })]);
    await settle();
    await send([up('Soylent', { hostname: 'LAPTOP-7', serial: 'SER-77' })]);
    await settle();
    const [device] = await devicesNamed('LAPTOP-7');
    const [{ n: links }] = await t.db.dataSource.query(
      `SELECT count(*)::int AS n FROM device_link WHERE device_id = $1`,
      [device.id],
    );
    expect(links).toBe(2);
    const listed = await t.api<{ items: { id: string }[] }>(
      'GET',
      '/api/v1/devices?unmatched=true&q=LAPTOP-7',
    );
    expect(listed.body.items.map((d) => d.id)).toEqual([device.id]);
  });
});
