import nock from 'nock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connector, DeliveryMarker, PagingMessage } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { makeContext, runContractSuite, type ContractFixture } from '../contract/contract.suite';
import { parseSettings, SettingsError } from '../contract/settings';
import { slackConnector } from './index';
import type { SlackSettings } from './slack.settings';

const HOST = 'https://hooks.slack.com';
const TOKEN = 'q7Rk2ZfV9xLmW3pTbN8cYd4H';
const PATH = `/services/T0123ABCD/B0456EFGH/${TOKEN}`;
const WEBHOOK_URL = `${HOST}${PATH}`;
const LINK = 'https://switchboard.msp.example/incidents/7f3c9a2e';
const DELIVERY: DeliveryMarker = { marker: 'SB-0a1b2c3d4e5f' };

// ---------------------------------------------------------------- fixtures and builders

const fixturePath = (name: string) => join(__dirname, 'fixtures', name);
const OK = readFileSync(fixturePath('ok.txt'), 'utf8');
const ERRORS = (
  JSON.parse(readFileSync(fixturePath('errors.json'), 'utf8')) as {
    errors: { status: number; body: string; documented: boolean }[];
  }
).errors;

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

const OPENED = {
  text: `[CRITICAL] SERVER-01 is Offline. Trigger: Unavailable by ICMP ping <${LINK}|Open incident>`,
  blocks: [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*[CRITICAL] SERVER-01 is Offline. Trigger: Unavailable by ICMP ping*\n<${LINK}|Open incident>`,
      },
    },
    { type: 'section', text: { type: 'plain_text', text: message().text } },
  ],
};

/** One interceptor pinning method, the webhook path, content type and the exact JSON body. */
function post(
  body: unknown,
  status = 200,
  reply: string | Record<string, unknown> = OK,
  headers: Record<string, string> = {},
) {
  return nock(HOST)
    .post(PATH, body as nock.RequestBodyMatcher)
    .matchHeader('content-type', /^application\/json/)
    .reply(status, reply, { 'Content-Type': 'text/html', ...headers });
}

const validSettings = { webhookUrl: WEBHOOK_URL };

const fixture: ContractFixture<SlackSettings> = {
  definition: slackConnector,
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
  return slackConnector.create(
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
  expect(err.message).not.toContain(TOKEN);
  expect(err.message).not.toContain('/services/');
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

// ---------------------------------------------------------------- messages posted

describe('slack notify', () => {
  it('posts an opening with the summary and link as text, and the whole text in blocks', async () => {
    post(OPENED);
    await expect(connector().notify!(message(), DELIVERY)).resolves.toBeUndefined();
    expect(nock.isDone()).toBe(true);
  });

  it('marks a recurrence in the text and the first block', async () => {
    const line = '[CRITICAL] Recurred: SERVER-01 is Offline. Trigger: Unavailable by ICMP ping';
    post({
      text: `${line} <${LINK}|Open incident>`,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `*${line}*\n<${LINK}|Open incident>` } },
        OPENED.blocks[1],
      ],
    });
    await connector().notify!(message({ event: 'recurred' }), DELIVERY);
    expect(nock.isDone()).toBe(true);
  });

  it('posts mitigating and resolved as one-line follow-ups naming the incident key', async () => {
    const summary = 'SERVER-01 is Offline. Trigger: Unavailable by ICMP ping';
    const key = '(incident inc:acme-dental:server-01:offline)';
    post({ text: `Mitigating: ${summary} ${key} <${LINK}|Open incident>` });
    post({ text: `Resolved: ${summary} ${key} <${LINK}|Open incident>` });
    const c = connector();
    await c.notify!(message({ event: 'mitigating' }), DELIVERY);
    await c.notify!(message({ event: 'resolved' }), DELIVERY);
    expect(nock.isDone()).toBe(true);
  });

  it('escapes &, < and > in mrkdwn and leaves the plain-text block as written', async () => {
    const summary = 'Disk <C:> at 97% & rising';
    const text = 'Free space < 3% on <C:> & the pagefile grew';
    const line = '[WARNING] Disk &lt;C:&gt; at 97% &amp; rising';
    post({
      text: `${line} <${LINK}|Open incident>`,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `*${line}*\n<${LINK}|Open incident>` } },
        { type: 'section', text: { type: 'plain_text', text } },
      ],
    });
    await connector().notify!(message({ severity: 'warning', summary, text }), DELIVERY);
    expect(nock.isDone()).toBe(true);
  });

  it('clips the text to the 3000 characters of a section and leaves out an empty one', async () => {
    const long = 'y'.repeat(5000);
    post({
      ...OPENED,
      blocks: [
        OPENED.blocks[0],
        { type: 'section', text: { type: 'plain_text', text: `${'y'.repeat(2999)}…` } },
      ],
    });
    post({ ...OPENED, blocks: [OPENED.blocks[0]] });
    const c = connector();
    await c.notify!(message({ text: long }), DELIVERY);
    await c.notify!(message({ text: '  \n' }), DELIVERY);
    expect(nock.isDone()).toBe(true);
  });
});

// ---------------------------------------------------------------- threshold

describe('slack minSeverity', () => {
  it('posts nothing for a message below the threshold, follow-ups included', async () => {
    const c = connector({ minSeverity: 'error' });
    await expect(c.notify!(message({ severity: 'warning' }), DELIVERY)).resolves.toBeUndefined();
    await expect(
      c.notify!(message({ severity: 'warning', event: 'resolved' }), DELIVERY),
    ).resolves.toBeUndefined();
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('posts a message at the threshold and its resolve', async () => {
    post({
      ...OPENED,
      text: OPENED.text.replace('CRITICAL', 'ERROR'),
      blocks: [
        {
          ...OPENED.blocks[0],
          text: { type: 'mrkdwn', text: OPENED.blocks[0].text.text.replace('CRITICAL', 'ERROR') },
        },
        OPENED.blocks[1],
      ],
    });
    post({
      text: `Resolved: SERVER-01 is Offline. Trigger: Unavailable by ICMP ping (incident inc:acme-dental:server-01:offline) <${LINK}|Open incident>`,
    });
    const c = connector({ minSeverity: 'error' });
    await c.notify!(message({ severity: 'error' }), DELIVERY);
    await c.notify!(message({ severity: 'error', event: 'resolved' }), DELIVERY);
    expect(nock.isDone()).toBe(true);
  });
});

// ---------------------------------------------------------------- errors

const EXPECTED_REASON: Record<string, string> = {
  invalid_payload: 'invalid',
  no_text: 'invalid',
  user_not_found: 'not-found',
  channel_not_found: 'not-found',
  channel_is_archived: 'not-found',
  action_prohibited: 'denied',
  posting_to_general_channel_denied: 'denied',
  invalid_token: 'auth',
  no_service: 'auth',
  no_team: 'auth',
  team_disabled: 'auth',
};

describe('slack errors', () => {
  it.each(ERRORS.filter((e) => e.status < 500))(
    'reports $status $body by its meaning, not retryable, naming the code and no secret',
    async ({ status, body }) => {
      post(OPENED, status, body);
      const err = await failure(connector().notify!(message(), DELIVERY));
      expect(err.reason).toBe(EXPECTED_REASON[body]);
      expect(err.retryable).toBe(false);
      expect(err.message).toContain(`slack webhook: HTTP ${status} ${body} (`);
      expectNoSecret(err);
      expect(nock.isDone()).toBe(true);
    },
  );

  it('retries a 500 rollup_error', async () => {
    post(OPENED, 500, 'rollup_error');
    const err = await failure(connector().notify!(message(), DELIVERY));
    expect(err).toMatchObject({ reason: 'unavailable', retryable: true });
    expect(err.message).toBe('slack webhook: HTTP 500 (unavailable)');
  });

  it('honours Retry-After on a 429, whatever the body', async () => {
    post(OPENED, 429, { ok: false, error: 'rate_limited' }, { 'Retry-After': '30' });
    const err = await failure(connector().notify!(message(), DELIVERY));
    expect(err).toMatchObject({ reason: 'rate-limited', retryable: true, retryAfterMs: 30_000 });
    expectNoSecret(err);
  });

  it('falls back to the status for a body it does not know, never quoting the body', async () => {
    post(OPENED, 404, `<html>Not found ${TOKEN}</html>`);
    const err = await failure(connector().notify!(message(), DELIVERY));
    expect(err).toMatchObject({ reason: 'not-found', retryable: false });
    expect(err.message).toBe('slack webhook: HTTP 404 (not found)');
  });

  it('retries a network failure, naming no URL', async () => {
    nock(HOST).post(PATH).replyWithError('socket hang up');
    const err = await failure(connector().notify!(message(), DELIVERY));
    expect(err).toMatchObject({ reason: 'unavailable', retryable: true });
    expectNoSecret(err);
  });
});

// ---------------------------------------------------------------- settings, check, normalize

describe('slack settings and check', () => {
  it.each([
    ['an http URL', 'http://hooks.slack.com/services/T0/B0/x'],
    ['another host', 'https://hooks.example.com/services/T0/B0/x'],
    ['a workflow trigger URL', 'https://hooks.slack.com/triggers/T0/123/abc'],
  ])('rejects %s as webhookUrl without echoing it', (_name, url) => {
    try {
      parseSettings(slackConnector.settings, { webhookUrl: url });
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(SettingsError);
      expect((err as Error).message).toContain('settings.webhookUrl');
      expect((err as Error).message).not.toContain(url);
    }
  });

  it('accepts a GovSlack webhook and defaults minSeverity to warning', () => {
    const settings = parseSettings(slackConnector.settings, {
      webhookUrl: 'https://hooks.slack-gov.com/services/T0/B0/abc',
    });
    expect(settings.minSeverity).toBe('warning');
  });

  it('reports notify ok on check without posting', async () => {
    const report = await connector().check();
    expect(report).toEqual({
      notify: { status: 'ok', detail: expect.stringContaining('nothing is posted') },
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('has no records to normalize', () => {
    expect(() => connector().normalize({ type: 'event', dedupeKey: 'x', payload: {} })).toThrow(
      ConnectorError,
    );
  });
});
