import { eventually, startTestApp, type TestApp } from '../support/app';

interface LinkRow {
  id: string;
  instanceName: string;
  name: string;
  clientId: string;
  clientName: string;
  matchedBy: string;
  confirmedBy: string | null;
  toolCount: number;
}

/** One customer however each tool spells it; what no other tool knows stays visible. */
describe('client links', () => {
  let t: TestApp;
  const senders: Record<string, (body: unknown) => Promise<{ status: number }>> = {};

  beforeAll(async () => {
    t = await startTestApp();
    for (const name of ['RMM', 'PSA']) {
      const created = await t.api<{ id: string; webhook: { secret: string } }>(
        'POST',
        '/api/v1/connectors',
        { kind: 'generic', name },
      );
      senders[name] = (body) =>
        t.post(`/webhooks/${created.body.id}`, JSON.stringify(body), {
          'x-switchboard-token': created.body.webhook.secret,
        });
    }
  });
  afterAll(async () => {
    await t.close();
  });

  let n = 0;
  const seen = async (tool: string, client: string, host: string) => {
    const res = await senders[tool]({
      eventId: `cl-${++n}`,
      kind: 'device.up',
      occurredAt: new Date(Date.now() - 60_000).toISOString(),
      client,
      device: { hostname: host },
    });
    expect(res.status).toBe(202);
    await eventually(async () => (await t.count(`inbox_event WHERE status = 'pending'`)) === 0);
  };
  const links = async (query = '') =>
    (await t.api<{ items: LinkRow[] }>('GET', `/api/v1/client-links${query}`)).body.items;

  it('puts "Acme Dental, Inc." with "Acme Dental" and lists the match for a person to confirm', async () => {
    await seen('RMM', 'Acme Dental', 'SRV-A');
    await seen('PSA', 'Acme Dental, Inc.', 'SRV-A');
    const clients = await t.db.dataSource.query(`SELECT name FROM client WHERE name ILIKE 'acme%'`);
    expect(clients).toEqual([{ name: 'Acme Dental' }]);
    const suggested = await links('?suggested=true');
    expect(suggested.map((l) => [l.instanceName, l.name, l.clientName, l.matchedBy])).toEqual([
      ['PSA', 'Acme Dental, Inc.', 'Acme Dental', 'similar-name'],
    ]);
    const confirmed = await t.api('PUT', `/api/v1/client-links/${suggested[0].id}`, {
      clientId: suggested[0].clientId,
    });
    expect(confirmed.status).toBe(200);
    expect(await links('?suggested=true')).toEqual([]);
  });

  it('keeps an organization no other tool knows as unmatched, and moves it when a person says so', async () => {
    await seen('PSA', 'Initrode Holdings', 'INI-1');
    await seen('RMM', 'Initrode', 'INI-1');
    const unmatched = await links('?unmatched=true');
    const psaRecord = unmatched.find((l) => l.name === 'Initrode Holdings')!;
    expect(psaRecord).toMatchObject({ instanceName: 'PSA', toolCount: 1, matchedBy: 'new' });
    const rmmRecord = unmatched.find((l) => l.name === 'Initrode')!;
    // A person knows they are the same customer.
    const moved = await t.api<{ clientId: string; matchedBy: string; confirmedBy: string }>(
      'PUT',
      `/api/v1/client-links/${psaRecord.id}`,
      { clientId: rmmRecord.clientId },
    );
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ clientId: rmmRecord.clientId, matchedBy: 'manual' });
    expect((await links('?unmatched=true')).map((l) => l.name)).not.toContain('Initrode Holdings');
    // Later records of that tool land under the client it was moved to.
    await seen('PSA', 'Initrode Holdings', 'INI-2');
    const [device] = await t.db.dataSource.query(
      `SELECT client_id FROM device WHERE display_name = 'INI-2'`,
    );
    expect(device.client_id).toBe(rmmRecord.clientId);
    const audit = await t.api<{ items: { action: string }[] }>('GET', '/api/v1/audit');
    expect(audit.body.items.map((a) => a.action)).toEqual(
      expect.arrayContaining(['client-link.move', 'client-link.confirm']),
    );
  });

  it('refuses a move to a client that does not exist, naming the field', async () => {
    const [any] = await links();
    const res = await t.api('PUT', `/api/v1/client-links/${any.id}`, {
      clientId: '00000000-0000-4000-8000-000000000000',
    });
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toContain('clientId');
  });
});
