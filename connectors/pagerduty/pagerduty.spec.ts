import nock from 'nock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connector, DeliveryMarker, PagingMessage } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { makeContext, runContractSuite, type ContractFixture } from '../contract/contract.suite';
import { parseSettings, SettingsError } from '../contract/settings';
import { pagerdutyConnector } from './index';
import type { PagerDutySettings } from './pagerduty.settings';

const HOST = 'https://events.pagerduty.com';
const EU_HOST = 'https://events.eu.pagerduty.com';
const PATH = '/v2/enqueue';
const ROUTING_KEY = 'R02BZKQ7HW1XN4C9P8M3T6Y5V0D7F2JL';
const LINK = 'https://switchboard.msp.example/incidents/7f3c9a2e';
const DELIVERY: DeliveryMarker = { marker: 'SB-0a1b2c3d4e5f' };

// ---------------------------------------------------------------- fixtures and builders

function load(name: string): unknown {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8'));
}

function message(changes: Partial<PagingMessage> = {}): PagingMessage {
  return {
    incidentKey: 'inc:acme-dental:server-01:offline',
    event: 'opened',
    severity: 'critical',
    summary: 'SERVER-01 is Offline. Trigger: Unavailable by ICMP ping',
    text: 'SERVER-01 (Acme Dental) stopped answering ping at 02:14 UTC.\nSuspect: KB5034441 installed at 02:05.',
    link: LINK,
    client: 'Acme Dental',
    device: 'SERVER-01',
    ...changes,
  };
}

/** The trigger event PagerDuty documents, for the default message. */
function triggerBody(changes: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) {
  const m = message();
  return {
    routing_key: ROUTING_KEY,
    event_action: 'trigger',
    dedup_key: m.incidentKey,
    payload: {
      summary: m.summary,
      source: 'SERVER-01',
      severity: 'critical',
      custom_details: { text: m.text, client: 'Acme Dental', device: 'SERVER-01' },
      ...payload,
    },
    links: [{ href: LINK, text: 'Incident in Switchboard' }],
    client: 'Switchboard',
    client_url: LINK,
    ...changes,
  };
}

/** One interceptor pinning method, path, content type and the exact JSON body. */
function enqueue(
  body: unknown,
  status = 202,
  reply: unknown = load('enqueue.202.json'),
  headers: Record<string, string> = {},
  host = HOST,
) {
  return nock(host)
    .post(PATH, body as nock.RequestBodyMatcher)
    .matchHeader('content-type', /^application\/json/)
    .reply(status, reply as nock.Body, { 'Content-Type': 'application/json', ...headers });
}

const validSettings = { routingKey: ROUTING_KEY };

const fixture: ContractFixture<PagerDutySettings> = {
  definition: pagerdutyConnector,
  validSettings,
  requiredFields: ['routingKey'],
  failingCall: {
    arrange: (status, headers, body) => enqueue(triggerBody(), status, body, headers),
    act: (c) => c.notify!(message(), DELIVERY),
  },
};

runContractSuite(fixture);

function connector(settings: Record<string, unknown> = {}): Connector {
  return pagerdutyConnector.create(
    makeContext({ ...fixture, validSettings: { ...validSettings, ...settings } }),
  );
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError);
    return err as ConnectorError;
  }
  throw new Error('expected a ConnectorError');
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

// ---------------------------------------------------------------- events sent

describe('pagerduty notify', () => {
  it('triggers an alert for an opened incident, keyed by the incident key', async () => {
    enqueue(triggerBody());
    await expect(connector().notify!(message(), DELIVERY)).resolves.toBeUndefined();
    expect(nock.isDone()).toBe(true);
  });

  it('triggers again for a recurrence, with the same dedup_key', async () => {
    enqueue(triggerBody());
    await connector().notify!(message({ event: 'recurred' }), DELIVERY);
    expect(nock.isDone()).toBe(true);
  });

  it('acknowledges on mitigating and resolves on resolved, sending only the key', async () => {
    const key = message().incidentKey;
    enqueue({ routing_key: ROUTING_KEY, event_action: 'acknowledge', dedup_key: key });
    enqueue({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: key });
    const c = connector();
    await c.notify!(message({ event: 'mitigating' }), DELIVERY);
    await c.notify!(message({ event: 'resolved' }), DELIVERY);
    expect(nock.isDone()).toBe(true);
  });

  it('sends to the EU host when baseUrl names it', async () => {
    enqueue(triggerBody(), 202, load('enqueue.202.json'), {}, EU_HOST);
    await connector({ baseUrl: EU_HOST }).notify!(message(), DELIVERY);
    expect(nock.isDone()).toBe(true);
  });

  it('names the client as source when there is no device, and switchboard when neither', async () => {
    enqueue(
      triggerBody(
        {},
        { source: 'Acme Dental', custom_details: { text: message().text, client: 'Acme Dental' } },
      ),
    );
    enqueue(triggerBody({}, { source: 'switchboard', custom_details: { text: message().text } }));
    const c = connector();
    await c.notify!(message({ device: undefined }), DELIVERY);
    await c.notify!(message({ device: undefined, client: undefined }), DELIVERY);
    expect(nock.isDone()).toBe(true);
  });

  it('clips the summary to the 1024 characters PagerDuty accepts, on one line', async () => {
    const long = `Line one\nline two ${'x'.repeat(2000)}`;
    const expected = `Line one line two ${'x'.repeat(1024 - 19)}…`;
    expect(expected).toHaveLength(1024);
    enqueue(triggerBody({}, { summary: expected }));
    await connector().notify!(message({ summary: long }), DELIVERY);
    expect(nock.isDone()).toBe(true);
  });

  it('hashes an incident key longer than the 255 characters of a dedup_key, the same way each time', async () => {
    const key = `inc:${'k'.repeat(300)}`;
    const hashed = /^sha256:[0-9a-f]{64}$/;
    const seen: string[] = [];
    nock(HOST)
      .post(
        PATH,
        (b: { dedup_key: string }) => hashed.test(b.dedup_key) && seen.push(b.dedup_key) > 0,
      )
      .times(2)
      .reply(202, load('enqueue.202.json') as nock.Body);
    const c = connector();
    await c.notify!(message({ incidentKey: key }), DELIVERY);
    await c.notify!(message({ incidentKey: key, event: 'resolved' }), DELIVERY);
    expect(seen[0]).toBe(seen[1]);
    expect(nock.isDone()).toBe(true);
  });
});

// ---------------------------------------------------------------- threshold

describe('pagerduty minSeverity', () => {
  it('sends nothing for a message below the default threshold (warning), resolve included', async () => {
    // No interceptor and no network: any request would fail the call.
    const c = connector();
    await expect(c.notify!(message({ severity: 'info' }), DELIVERY)).resolves.toBeUndefined();
    await expect(
      c.notify!(message({ severity: 'info', event: 'resolved' }), DELIVERY),
    ).resolves.toBeUndefined();
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('pages a warning at the default threshold', async () => {
    enqueue(triggerBody({}, { severity: 'warning' }));
    await connector().notify!(message({ severity: 'warning' }), DELIVERY);
    expect(nock.isDone()).toBe(true);
  });

  it('with minSeverity critical, skips an error and sends a critical and its resolve', async () => {
    const key = message().incidentKey;
    enqueue(triggerBody());
    enqueue({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: key });
    const c = connector({ minSeverity: 'critical' });
    await c.notify!(message({ severity: 'error' }), DELIVERY);
    await c.notify!(message({ severity: 'error', event: 'resolved' }), DELIVERY);
    await c.notify!(message(), DELIVERY);
    await c.notify!(message({ event: 'resolved' }), DELIVERY);
    expect(nock.isDone()).toBe(true);
  });
});

// ---------------------------------------------------------------- errors

describe('pagerduty errors', () => {
  it("reports a 400 as invalid, not retryable, with PagerDuty's reasons and without the key", async () => {
    enqueue(triggerBody(), 400, load('error.400.routing-key.json'));
    const err = await failure(connector().notify!(message(), DELIVERY));
    expect(err.reason).toBe('invalid');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(
      "pagerduty POST https://events.pagerduty.com/v2/enqueue: HTTP 400 (request rejected): Length of 'routing_key' is incorrect (should be 32 characters); 'routing_key' cannot contain non-alphanumeric characters.",
    );
    expect(err.message).not.toContain(ROUTING_KEY);
    expect(nock.isDone()).toBe(true);
  });

  it('redacts the routing key should a reason ever quote it', async () => {
    enqueue(triggerBody(), 400, {
      ...(load('error.400.json') as object),
      errors: [`bad key ${ROUTING_KEY}`],
    });
    const err = await failure(connector().notify!(message(), DELIVERY));
    expect(err.message).toContain('bad key [redacted]');
    expect(err.message).not.toContain(ROUTING_KEY);
  });

  it('reports a 400 without reasons as a rejected event', async () => {
    enqueue(triggerBody(), 400, '');
    const err = await failure(connector().notify!(message(), DELIVERY));
    expect(err).toMatchObject({ reason: 'invalid', retryable: false });
    expect(err.message).toMatch(/HTTP 400 \(request rejected\) \(event rejected\)$/);
  });

  it('retries a 429 that names no delay after the 30 seconds PagerDuty suggests', async () => {
    enqueue(triggerBody(), 429, '');
    const err = await failure(connector().notify!(message(), DELIVERY));
    expect(err).toMatchObject({ reason: 'rate-limited', retryable: true, retryAfterMs: 30_000 });
  });

  it('retries a 500 and a network failure', async () => {
    enqueue(triggerBody(), 500, '');
    const server = await failure(connector().notify!(message(), DELIVERY));
    expect(server).toMatchObject({ reason: 'unavailable', retryable: true });
    nock(HOST).post(PATH).replyWithError('socket hang up');
    const network = await failure(connector().notify!(message(), DELIVERY));
    expect(network).toMatchObject({ reason: 'unavailable', retryable: true });
  });
});

// ---------------------------------------------------------------- settings, check, normalize

describe('pagerduty settings and check', () => {
  it.each([
    ['a routing key of the wrong length', { routingKey: 'abc' }, 'settings.routingKey'],
    [
      'a routing key with symbols',
      { routingKey: `${ROUTING_KEY.slice(0, 31)}-` },
      'settings.routingKey',
    ],
    ['an http baseUrl', { baseUrl: 'http://events.pagerduty.com' }, 'settings.baseUrl'],
    ['an unknown minSeverity', { minSeverity: 'major' }, 'settings.minSeverity'],
  ])('rejects %s', (_name, changes, field) => {
    expect(() =>
      parseSettings(pagerdutyConnector.settings, { ...validSettings, ...changes }),
    ).toThrow(SettingsError);
    try {
      parseSettings(pagerdutyConnector.settings, { ...validSettings, ...changes });
    } catch (err) {
      expect((err as Error).message).toContain(field);
    }
  });

  it('defaults minSeverity to warning', () => {
    expect(parseSettings(pagerdutyConnector.settings, validSettings).minSeverity).toBe('warning');
  });

  it('reports notify ok on check without calling PagerDuty', async () => {
    const report = await connector().check();
    expect(report).toEqual({
      notify: { status: 'ok', detail: expect.stringContaining('nothing is sent') },
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('has no records to normalize', () => {
    expect(() => connector().normalize({ type: 'event', dedupeKey: 'x', payload: {} })).toThrow(
      ConnectorError,
    );
  });
});
