import nock from 'nock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connector, DeliveryMarker, PagingMessage } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { makeContext, runContractSuite, type ContractFixture } from '../contract/contract.suite';
import { parseSettings, SettingsError } from '../contract/settings';
import { teamsConnector } from './index';
import type { TeamsSettings } from './teams.settings';

/** A Workflows URL in the current form: the sig query parameter is the credential. */
const HOST = 'https://default0a1b2c3d4e5f.4e.environment.api.powerplatform.com:443';
const PATH =
  '/powerautomate/automations/direct/workflows/8f1e2d3c4b5a69788796a5b4c3d2e1f0/triggers/manual/paths/invoke';
const SIG = 'Zx8vQ2rT5yU7iO9pA1sD3fG5hJ7kL9zX1cV3bN5mQ7w';
const QUERY = {
  'api-version': '1',
  sp: '/triggers/manual/run',
  sv: '1.0',
  sig: SIG,
};
const WEBHOOK_URL = `${HOST}${PATH}?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`;
/** A legacy Office 365 connector URL: the path is the credential. */
const LEGACY_HOST = 'https://acme.webhook.office.com';
const LEGACY_PATH =
  '/webhookb2/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0@1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809/IncomingWebhook/5d6e7f8091a2b3c4d5e6f708192a3b4c/0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5';
const LINK = 'https://switchboard.msp.example/incidents/7f3c9a2e';
const DELIVERY: DeliveryMarker = { marker: 'SB-0a1b2c3d4e5f' };

// ---------------------------------------------------------------- fixtures and builders

const text = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const json = (name: string) => JSON.parse(text(name)) as Record<string, unknown>;

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

function card(body: unknown[]) {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions: [{ type: 'Action.OpenUrl', title: 'Open incident', url: LINK }],
        },
      },
    ],
  };
}

const heading = (title: string, color: string) => ({
  type: 'TextBlock',
  text: title,
  wrap: true,
  weight: 'Bolder',
  size: 'Medium',
  color,
});

const OPENED = card([
  heading('[CRITICAL] SERVER-01 is Offline. Trigger: Unavailable by ICMP ping', 'Attention'),
  { type: 'TextBlock', text: message().text, wrap: true },
  {
    type: 'FactSet',
    facts: [
      { title: 'Severity', value: 'critical' },
      { title: 'Client', value: 'Acme Dental' },
      { title: 'Device', value: 'SERVER-01' },
      { title: 'Incident', value: 'inc:acme-dental:server-01:offline' },
    ],
  },
]);

/** One interceptor pinning method, path, the whole query, content type and the exact body. */
function post(
  body: unknown,
  status = 202,
  reply: string | Record<string, unknown> = '',
  headers: Record<string, string> = {},
) {
  return nock(HOST)
    .post(PATH, body as nock.RequestBodyMatcher)
    .query(QUERY)
    .matchHeader('content-type', /^application\/json/)
    .reply(status, reply, headers);
}

function postLegacy(body: unknown, reply: string) {
  return nock(LEGACY_HOST)
    .post(LEGACY_PATH, body as nock.RequestBodyMatcher)
    .matchHeader('content-type', /^application\/json/)
    .reply(200, reply, { 'Content-Type': 'text/plain; charset=utf-8' });
}

const validSettings = { webhookUrl: WEBHOOK_URL };

const fixture: ContractFixture<TeamsSettings> = {
  definition: teamsConnector,
  validSettings,
  requiredFields: ['webhookUrl'],
  failingCall: {
    arrange: (status, headers, body) =>
      post(OPENED, status, body as Record<string, unknown>, headers),
    act: (c) => c.notify!(message(), DELIVERY),
  },
};

runContractSuite(fixture);

function connector(settings: Record<string, unknown> = {}): Connector {
  return teamsConnector.create(
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

function expectNoSecret(err: ConnectorError) {
  expect(err.message).not.toContain(SIG);
  expect(err.message).not.toContain('/workflows/');
  expect(err.message).not.toContain('IncomingWebhook');
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

// ---------------------------------------------------------------- cards posted

describe('teams notify (Adaptive Card)', () => {
  it('posts an opening as an Adaptive Card with the text, facts and an Open incident button', async () => {
    post(OPENED);
    await expect(connector().notify!(message(), DELIVERY)).resolves.toBeUndefined();
    expect(nock.isDone()).toBe(true);
  });

  it('posts mitigating and resolved as short cards naming the incident key', async () => {
    const summary = 'SERVER-01 is Offline. Trigger: Unavailable by ICMP ping';
    const key = {
      type: 'FactSet',
      facts: [{ title: 'Incident', value: 'inc:acme-dental:server-01:offline' }],
    };
    post(card([heading(`Mitigating: ${summary}`, 'Accent'), key]));
    post(card([heading(`Resolved: ${summary}`, 'Good'), key]));
    const c = connector();
    await c.notify!(message({ event: 'mitigating' }), DELIVERY);
    await c.notify!(message({ event: 'resolved' }), DELIVERY);
    expect(nock.isDone()).toBe(true);
  });

  it('marks a recurrence, and leaves out client and device when the message has none', async () => {
    post(
      card([
        heading('[WARNING] Recurred: Backup job failed', 'Warning'),
        { type: 'TextBlock', text: 'Veeam job "Nightly" failed twice.', wrap: true },
        {
          type: 'FactSet',
          facts: [
            { title: 'Severity', value: 'warning' },
            { title: 'Incident', value: 'inc:backup' },
          ],
        },
      ]),
    );
    await connector().notify!(
      message({
        event: 'recurred',
        severity: 'warning',
        incidentKey: 'inc:backup',
        summary: 'Backup job failed',
        text: 'Veeam job "Nightly" failed twice.',
        client: undefined,
        device: undefined,
      }),
      DELIVERY,
    );
    expect(nock.isDone()).toBe(true);
  });
});

describe('teams notify (legacy MessageCard)', () => {
  const legacyUrl = `${LEGACY_HOST}${LEGACY_PATH}`;

  it('posts a MessageCard when format is messagecard, and takes the legacy 200 "1" as success', async () => {
    postLegacy(
      {
        '@type': 'MessageCard',
        '@context': 'http://schema.org/extensions',
        summary: '[CRITICAL] SERVER-01 is Offline. Trigger: Unavailable by ICMP ping',
        themeColor: 'D13438',
        title: '[CRITICAL] SERVER-01 is Offline. Trigger: Unavailable by ICMP ping',
        text: 'SERVER-01 (Acme Dental) stopped answering ping at 02:14 UTC.\n\nSuspect: KB5034441 installed at 02:05.',
        sections: [
          {
            facts: [
              { name: 'Severity', value: 'critical' },
              { name: 'Client', value: 'Acme Dental' },
              { name: 'Device', value: 'SERVER-01' },
              { name: 'Incident', value: 'inc:acme-dental:server-01:offline' },
            ],
          },
        ],
        potentialAction: [
          { '@type': 'OpenUri', name: 'Open incident', targets: [{ os: 'default', uri: LINK }] },
        ],
      },
      text('legacy.200.txt'),
    );
    await connector({ webhookUrl: legacyUrl, format: 'messagecard' }).notify!(message(), DELIVERY);
    expect(nock.isDone()).toBe(true);
  });

  it('retries a legacy 200 that carries a Teams 429, and refuses one that carries a 413', async () => {
    postLegacy(OPENED, text('legacy.200.error-429.txt'));
    postLegacy(OPENED, text('legacy.200.error-413.txt'));
    const c = connector({ webhookUrl: legacyUrl });
    const limited = await failure(c.notify!(message(), DELIVERY));
    expect(limited).toMatchObject({ reason: 'rate-limited', retryable: true });
    expect(limited.message).toBe('teams webhook: HTTP 200 carrying Teams error 429');
    const large = await failure(c.notify!(message(), DELIVERY));
    expect(large).toMatchObject({ reason: 'invalid', retryable: false });
    expect(large.message).toBe(
      'teams webhook: HTTP 200 carrying Teams error 413 (message too large)',
    );
    expectNoSecret(large);
    expect(nock.isDone()).toBe(true);
  });
});

// ---------------------------------------------------------------- threshold

describe('teams minSeverity', () => {
  it('posts nothing below the threshold (default warning), resolve included', async () => {
    const c = connector();
    await expect(c.notify!(message({ severity: 'info' }), DELIVERY)).resolves.toBeUndefined();
    await expect(
      c.notify!(message({ severity: 'info', event: 'resolved' }), DELIVERY),
    ).resolves.toBeUndefined();
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('posts info messages when minSeverity is info', async () => {
    post(
      card([
        heading('[INFO] SERVER-01 is Offline. Trigger: Unavailable by ICMP ping', 'Default'),
        { type: 'TextBlock', text: message().text, wrap: true },
        {
          type: 'FactSet',
          facts: [
            { title: 'Severity', value: 'info' },
            { title: 'Client', value: 'Acme Dental' },
            { title: 'Device', value: 'SERVER-01' },
            { title: 'Incident', value: 'inc:acme-dental:server-01:offline' },
          ],
        },
      ]),
    );
    await connector({ minSeverity: 'info' }).notify!(message({ severity: 'info' }), DELIVERY);
    expect(nock.isDone()).toBe(true);
  });
});

// ---------------------------------------------------------------- errors

describe('teams errors', () => {
  it('reports a schema mismatch (400) as invalid, naming the flow error code only', async () => {
    post(OPENED, 400, json('workflows.error.400.json'), { 'Content-Type': 'application/json' });
    const err = await failure(connector().notify!(message(), DELIVERY));
    expect(err).toMatchObject({ reason: 'invalid', retryable: false });
    expect(err.message).toBe(
      'teams webhook: HTTP 400 (request rejected): TriggerInputSchemaMismatch',
    );
    expectNoSecret(err);
  });

  it('reports a trigger that needs OAuth (401) as auth, saying what to change', async () => {
    post(OPENED, 401, json('workflows.error.401.json'), { 'Content-Type': 'application/json' });
    const err = await failure(connector().notify!(message(), DELIVERY));
    expect(err).toMatchObject({ reason: 'auth', retryable: false });
    expect(err.message).toBe(
      "teams webhook: HTTP 401 (credentials rejected): DirectApiAuthorizationRequired; copy the whole URL (with sig=), and set the flow's trigger to let Anyone trigger it",
    );
    expectNoSecret(err);
  });

  it('reports a deleted workflow (404) as not found', async () => {
    post(OPENED, 404, '');
    const err = await failure(connector().notify!(message(), DELIVERY));
    expect(err).toMatchObject({ reason: 'not-found', retryable: false });
    expect(err.message).toContain('the workflow was deleted or its URL replaced');
  });

  it('retries a 502 and a network failure, naming no URL', async () => {
    post(OPENED, 502, '<html>Bad gateway</html>');
    const server = await failure(connector().notify!(message(), DELIVERY));
    expect(server).toMatchObject({ reason: 'unavailable', retryable: true });
    expect(server.message).toBe('teams webhook: HTTP 502 (unavailable)');
    nock(HOST).post(PATH).query(true).replyWithError('socket hang up');
    const network = await failure(connector().notify!(message(), DELIVERY));
    expect(network).toMatchObject({ reason: 'unavailable', retryable: true });
    expectNoSecret(network);
  });
});

// ---------------------------------------------------------------- settings, check, normalize

describe('teams settings and check', () => {
  it.each([
    [
      'an http webhookUrl',
      { webhookUrl: 'http://prod-01.westeurope.logic.azure.com/workflows/x' },
      'settings.webhookUrl',
    ],
    ['an unknown format', { format: 'html' }, 'settings.format'],
    ['an unknown minSeverity', { minSeverity: 'fatal' }, 'settings.minSeverity'],
  ])('rejects %s', (_name, changes, field) => {
    try {
      parseSettings(teamsConnector.settings, { ...validSettings, ...changes });
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(SettingsError);
      expect((err as Error).message).toContain(field);
      expect((err as Error).message).not.toContain(SIG);
    }
  });

  it('defaults to Adaptive Cards and minSeverity warning', () => {
    expect(parseSettings(teamsConnector.settings, validSettings)).toMatchObject({
      format: 'adaptive',
      minSeverity: 'warning',
    });
  });

  it('reports notify ok on check without posting, and flags a retired connector URL', async () => {
    expect(await connector().check()).toEqual({
      notify: { status: 'ok', detail: expect.stringContaining('nothing is posted') },
    });
    const legacy = await connector({ webhookUrl: `${LEGACY_HOST}${LEGACY_PATH}` }).check();
    expect(legacy.notify?.detail).toContain('retired Office 365 connector URL');
    expect(legacy.notify?.detail).not.toContain(LEGACY_PATH);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('has no records to normalize', () => {
    expect(() => connector().normalize({ type: 'event', dedupeKey: 'x', payload: {} })).toThrow(
      ConnectorError,
    );
  });
});
