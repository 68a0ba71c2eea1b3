import type { InboundRequest } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { makeContext, runContractSuite } from '../contract/contract.suite';
import { genericConnector } from './index';

const SECRET = 'whsec-test-0123456789';

function request(
  body: unknown,
  headers: Record<string, string> = { 'x-switchboard-token': SECRET },
): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { headers, query: {}, rawBody, body };
}

const patchInstalled = {
  eventId: 'ev-1',
  kind: 'patch.installed',
  occurredAt: '2026-11-24T02:00:00Z',
  client: 'Acme Dental',
  device: { hostname: 'SERVER-01', ip: '10.0.0.5' },
  patch: { id: 'KB5034441', title: 'Windows Recovery Environment update', severity: 'critical' },
};

const fixture = {
  definition: genericConnector,
  validSettings: { defaultClient: 'Unassigned' },
  requiredFields: [],
  webhookSecret: SECRET,
  webhook: {
    valid: () => request(patchInstalled),
    badSignature: () => request(patchInstalled, { 'x-switchboard-token': 'wrong' }),
  },
};

runContractSuite(fixture);

describe('generic connector', () => {
  const connector = genericConnector.create(makeContext(fixture));

  it('accepts the secret as the token query parameter too', () => {
    const req = { ...request(patchInstalled, {}), query: { token: SECRET } };
    expect(connector.handleWebhook!(req).ok).toBe(true);
  });

  it('rejects a request with no secret at all', () => {
    const verdict = connector.handleWebhook!(request(patchInstalled, {}));
    expect(verdict).toMatchObject({ ok: false, status: 401 });
  });

  it('splits an array into one record per event, keyed by eventId or body hash', () => {
    const second = { ...patchInstalled, eventId: undefined, kind: 'device.rebooted' };
    const verdict = connector.handleWebhook!(request([patchInstalled, second]));
    if (!verdict.ok) throw new Error(verdict.message);
    expect(verdict.records).toHaveLength(2);
    expect(verdict.records[0].dedupeKey).toBe('id:ev-1');
    expect(verdict.records[1].dedupeKey).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it.each([
    ['an unknown kind', { ...patchInstalled, kind: 'patch.exploded' }, 'body.kind'],
    ['a missing device', { ...patchInstalled, device: undefined }, 'body.device: is required'],
    [
      'a device with no identifier',
      { ...patchInstalled, device: {} },
      'body.device: needs at least one',
    ],
    ['a bad date', { ...patchInstalled, occurredAt: '24/11/2026' }, 'body.occurredAt'],
    [
      'a date without a zone',
      { ...patchInstalled, occurredAt: '2026-11-24T02:00:00' },
      'body.occurredAt',
    ],
    [
      'a patch event without a patch id',
      { ...patchInstalled, patch: { title: 'x' } },
      'body.patch.id',
    ],
    [
      'a service event without a service',
      { ...patchInstalled, kind: 'service.down', patch: undefined },
      'body.service',
    ],
    [
      'an unknown severity',
      { ...patchInstalled, patch: { id: 'KB1', severity: 'urgent' } },
      'body.patch.severity',
    ],
  ])('rejects %s with 400 naming the field', (_name, body, field) => {
    const verdict = connector.handleWebhook!(request(body));
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.status).toBe(400);
    expect(verdict.message).toContain(field);
  });

  it('names the index of the bad event in an array and rejects the whole batch', () => {
    const verdict = connector.handleWebhook!(
      request([patchInstalled, { ...patchInstalled, kind: 'nope' }]),
    );
    expect(verdict).toMatchObject({ ok: false, status: 400 });
    if (!verdict.ok) expect(verdict.message).toContain('[1].kind');
  });

  it('normalizes a patch install into a canonical patch event', () => {
    const [event] = connector.normalize({
      type: 'event',
      dedupeKey: 'id:ev-1',
      payload: patchInstalled,
    });
    expect(event).toEqual({
      type: 'patch',
      sourceId: 'ev-1',
      occurredAt: new Date('2026-11-24T02:00:00Z'),
      client: { name: 'Acme Dental' },
      device: {
        externalId: undefined,
        hostname: 'SERVER-01',
        fqdn: undefined,
        ip: '10.0.0.5',
        serial: undefined,
      },
      message: undefined,
      status: 'installed',
      patchId: 'KB5034441',
      title: 'Windows Recovery Environment update',
      severity: 'critical',
      rebootRequired: undefined,
    });
  });

  it('normalizes a reboot and a service failure, using the default client when none is named', () => {
    const reboot = connector.normalize({
      type: 'event',
      dedupeKey: 'x',
      payload: {
        kind: 'device.rebooted',
        occurredAt: '2026-11-24T02:05:00Z',
        device: { hostname: 'SERVER-01' },
      },
    });
    expect(reboot[0]).toMatchObject({ type: 'reboot', client: { name: 'Unassigned' } });
    const down = connector.normalize({
      type: 'event',
      dedupeKey: 'y',
      payload: {
        kind: 'service.down',
        occurredAt: '2026-11-24T02:07:00Z',
        device: { hostname: 'SERVER-01' },
        service: { name: 'MSSQLSERVER' },
      },
    });
    expect(down[0]).toMatchObject({ type: 'health', kind: 'service.down', subject: 'MSSQLSERVER' });
  });

  it('carries the device OS and role on a device event before the patch, and patch.category', () => {
    const events = connector.normalize({
      type: 'event',
      dedupeKey: 'w',
      payload: {
        ...patchInstalled,
        kind: 'patch.pending',
        device: { hostname: 'SERVER-01', os: ' Windows Server 2022 ', role: 'server' },
        patch: { id: 'KB5040000', severity: 'critical', category: 'security' },
      },
    });
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      type: 'device',
      client: { name: 'Acme Dental' },
      device: { hostname: 'SERVER-01' },
      os: 'Windows Server 2022',
      role: 'server',
    });
    expect(events[1]).toMatchObject({ type: 'patch', status: 'pending', category: 'security' });
    const reboot = connector.normalize({
      type: 'event',
      dedupeKey: 'v',
      payload: {
        kind: 'reboot.pending',
        occurredAt: '2026-11-24T02:00:00Z',
        device: { hostname: 'SERVER-01', role: 'workstation' },
      },
    });
    expect(reboot).toEqual([
      expect.objectContaining({
        type: 'device',
        role: 'workstation',
        rebootPending: expect.anything(),
      }),
    ]);
  });

  it('names a device OS that is not a string, and a patch category it does not know', () => {
    const bad = request({
      ...patchInstalled,
      device: { hostname: 'SERVER-01', os: 7 },
      patch: { id: 'KB1', category: 'nonsense' },
    });
    expect(() => connector.normalize({ type: 'event', dedupeKey: 'u', payload: bad.body })).toThrow(
      /device\.os: must be a string.*patch\.category|patch\.category.*device\.os/,
    );
  });

  it('refuses to normalize an invalid stored record', () => {
    expect(() =>
      connector.normalize({ type: 'event', dedupeKey: 'z', payload: { kind: 'bogus' } }),
    ).toThrow(ConnectorError);
  });
});
