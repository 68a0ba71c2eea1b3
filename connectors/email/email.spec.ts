import { simpleParser, type ParsedMail } from 'mailparser';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { Connector, DeliveryMarker, PagingMessage } from '../contract/connector';
import { selfSignedCertificate } from '../shared/stand-in/tls';
import { ConnectorError } from '../contract/connector-error';
import { makeContext, runContractSuite, type ContractFixture } from '../contract/contract.suite';
import { parseSettings, SettingsError } from '../contract/settings';
import { toEmailError } from './email.errors';
import type { EmailSettings } from './email.settings';
import { emailConnector } from './index';

const USER = 'svc-switchboard@msp.example';
const PASSWORD = 'Tr0ub4dor&3-smtp-relay';
const FROM = 'Switchboard <alerts@msp.example>';
const TO = ['oncall@msp.example', 'noc@msp.example'];
const LINK = 'https://switchboard.msp.example/incidents/7f3c9a2e';
const KEY = 'inc:acme-dental:server-01:offline';
const NOW = new Date('2026-11-24T02:30:00Z');

// ---------------------------------------------------------------- a real SMTP relay on 127.0.0.1

interface Reply {
  code: number;
  text: string;
}

/** How the relay answers the next connections; arranged per test. */
interface Behaviour {
  /** Refuse the connection with this greeting. */
  connect?: Reply;
  /** Every AUTH fails with 535, whatever the credentials. */
  refuseAuth?: boolean;
  /** MAIL FROM needs a logged-in session (530 otherwise). */
  requireAuth?: boolean;
  mailFrom?: Reply;
  /** Recipients refused with 550 5.1.1. */
  unknownRecipients?: string[];
  data?: Reply;
}

interface Received {
  envelope: { from: string; to: string[] };
  user?: string;
  secure: boolean;
  raw: string;
  mail: ParsedMail;
}

function smtpError(reply: Reply): Error {
  return Object.assign(new Error(reply.text), { responseCode: reply.code });
}

/** smtp-server with the behaviour above; enhanced status codes on, as on real relays. */
class TestRelay {
  behaviour: Behaviour = {};
  received: Received[] = [];
  port = 0;
  private server?: SMTPServer;

  constructor(private readonly options: { starttls: boolean }) {}

  async start(): Promise<void> {
    const options: SMTPServerOptions = {
      secure: false,
      // A fresh self-signed certificate for 127.0.0.1, as a small office relay often has.
      ...(this.options.starttls ? selfSignedCertificate() : {}),
      disabledCommands: this.options.starttls ? [] : ['STARTTLS'],
      allowInsecureAuth: !this.options.starttls,
      authOptional: true,
      hideENHANCEDSTATUSCODES: false,
      disableReverseLookup: true,
      logger: false,
      onConnect: (_session, callback) =>
        callback(this.behaviour.connect ? smtpError(this.behaviour.connect) : undefined),
      onAuth: (auth, _session, callback) => {
        if (!this.behaviour.refuseAuth && auth.username === USER && auth.password === PASSWORD)
          return callback(null, { user: USER });
        callback(smtpError({ code: 535, text: 'Authentication credentials invalid' }));
      },
      onMailFrom: (_address, session, callback) => {
        if (this.behaviour.requireAuth && !session.user)
          return callback(smtpError({ code: 530, text: 'Authentication required' }));
        callback(this.behaviour.mailFrom ? smtpError(this.behaviour.mailFrom) : undefined);
      },
      onRcptTo: (address, _session, callback) => {
        if (this.behaviour.unknownRecipients?.includes(address.address))
          return callback(smtpError({ code: 550, text: 'Mailbox unavailable' }));
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          simpleParser(raw)
            .then((mail) => {
              this.received.push({
                envelope: {
                  from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                  to: session.envelope.rcptTo.map((r) => r.address),
                },
                user: typeof session.user === 'string' ? session.user : undefined,
                secure: session.secure,
                raw: raw.toString('utf8'),
                mail,
              });
              callback(this.behaviour.data ? smtpError(this.behaviour.data) : null);
            })
            .catch((err: Error) => callback(err));
        });
      },
    };
    this.server = new SMTPServer(options);
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  reset(): void {
    this.behaviour = {};
    this.received = [];
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const relay = new TestRelay({ starttls: false });
const tlsRelay = new TestRelay({ starttls: true });

// ---------------------------------------------------------------- fixtures and builders

const DELIVERY: DeliveryMarker = { marker: 'SB-0a1b2c3d4e5f' };
const fixtureText = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

function message(changes: Partial<PagingMessage> = {}): PagingMessage {
  return {
    incidentKey: KEY,
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

/** The ids the connector must use, computed here independently. */
const token = createHash('sha256').update(KEY).digest('hex').slice(0, 32);
const OPENING_ID = `<sb.${token}.opened@msp.example>`;

/** Mutable: the port is known once the relay listens (before any test runs). */
const validSettings: Record<string, unknown> = {
  host: '127.0.0.1',
  port: 0,
  username: USER,
  password: PASSWORD,
  from: FROM,
  to: TO,
};

const fixture: ContractFixture<EmailSettings> = {
  definition: emailConnector,
  validSettings,
  requiredFields: ['host', 'from', 'to'],
  failingCall: {
    // SMTP has statuses of its own: 401 → AUTH refused (535), 429 → "try later" at MAIL FROM
    // (451 4.7.1, what relays say when throttling), 503 and others → the greeting refused (421).
    arrange: (status) => {
      relay.reset();
      if (status === 401) relay.behaviour.refuseAuth = true;
      else if (status === 429)
        relay.behaviour.mailFrom = { code: 451, text: 'Rate limit exceeded, try again later' };
      else relay.behaviour.connect = { code: 421, text: 'Service not available' };
    },
    act: (c) => c.notify!(message(), DELIVERY),
    retryAfter: false,
  },
};

beforeAll(async () => {
  await relay.start();
  await tlsRelay.start();
  validSettings.port = relay.port;
});
afterAll(async () => {
  await relay.stop();
  await tlsRelay.stop();
});
beforeEach(() => {
  relay.reset();
  tlsRelay.reset();
});

runContractSuite(fixture);

function connector(settings: Record<string, unknown> = {}): Connector {
  return emailConnector.create(
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
  expect(err.message).not.toContain(PASSWORD);
  expect(err.message).not.toContain(
    Buffer.from(`\u0000${USER}\u0000${PASSWORD}`).toString('base64'),
  );
}

function references(mail: ParsedMail): string[] {
  const refs = mail.references;
  return refs === undefined ? [] : Array.isArray(refs) ? refs : [refs];
}

// ---------------------------------------------------------------- what the relay receives

describe('email notify', () => {
  it('mails an opening to every recipient, logged in, with subject, body and its own Message-ID', async () => {
    await expect(connector().notify!(message(), DELIVERY)).resolves.toBeUndefined();
    expect(relay.received).toHaveLength(1);
    const [got] = relay.received;
    expect(got.user).toBe(USER);
    expect(got.envelope).toEqual({ from: 'alerts@msp.example', to: TO });
    expect(got.mail.subject).toBe(
      '[Switchboard] SERVER-01 is Offline. Trigger: Unavailable by ICMP ping',
    );
    expect(got.mail.from?.value).toEqual([{ name: 'Switchboard', address: 'alerts@msp.example' }]);
    const to = Array.isArray(got.mail.to) ? got.mail.to : got.mail.to ? [got.mail.to] : [];
    expect(to.flatMap((a) => a.value.map((v) => v.address))).toEqual(TO);
    expect(got.mail.text).toBe(fixtureText('opened.body.txt'));
    expect(got.mail.messageId).toBe(OPENING_ID);
    expect(got.mail.inReplyTo).toBeUndefined();
    expect(references(got.mail)).toEqual([]);
    expect(got.mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(got.mail.date?.toISOString()).toBe(NOW.toISOString());
  });

  it('threads mitigating and resolved under the opening, each with a Message-ID of its own', async () => {
    const c = connector();
    await c.notify!(message({ event: 'mitigating' }), { marker: 'SB-111111111111' });
    await c.notify!(message({ event: 'resolved' }), { marker: 'SB-222222222222' });
    const [mitigating, resolved] = relay.received.map((r) => r.mail);
    expect(mitigating.subject).toBe(
      '[Switchboard] SERVER-01 is Offline. Trigger: Unavailable by ICMP ping',
    );
    expect(resolved.subject).toBe(
      '[Switchboard] Resolved: SERVER-01 is Offline. Trigger: Unavailable by ICMP ping',
    );
    expect(mitigating.messageId).toBe(`<sb.${token}.mitigating.SB-111111111111@msp.example>`);
    expect(resolved.messageId).toBe(`<sb.${token}.resolved.SB-222222222222@msp.example>`);
    for (const mail of [mitigating, resolved]) {
      expect(mail.inReplyTo).toBe(OPENING_ID);
      expect(references(mail)).toEqual([OPENING_ID]);
    }
  });

  it('gives a retried delivery the same Message-ID, and a recurrence a new one in the thread', async () => {
    const c = connector();
    await c.notify!(message({ event: 'recurred' }), { marker: 'SB-333333333333' });
    await c.notify!(message({ event: 'recurred' }), { marker: 'SB-333333333333' });
    await c.notify!(message({ event: 'recurred' }), { marker: 'SB-444444444444' });
    const ids = relay.received.map((r) => r.mail.messageId);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
    expect(relay.received.every((r) => r.mail.inReplyTo === OPENING_ID)).toBe(true);
  });

  it('keeps a subject on one line and non-ASCII text intact', async () => {
    await connector().notify!(
      message({ summary: 'Störung:\r\nDrucker «Empfang» offline', text: 'Zürich — 3 Geräte' }),
      DELIVERY,
    );
    const [got] = relay.received;
    expect(got.mail.subject).toBe('[Switchboard] Störung: Drucker «Empfang» offline');
    expect(got.mail.text).toBe(`Zürich — 3 Geräte\n\nOpen the incident: ${LINK}\n`);
  });

  it('sends without AUTH when no username is set', async () => {
    await connector({ username: undefined, password: undefined }).notify!(message(), DELIVERY);
    expect(relay.received).toHaveLength(1);
    expect(relay.received[0].user).toBeUndefined();
  });
});

// ---------------------------------------------------------------- threshold

describe('email minSeverity', () => {
  it('mails nothing below the threshold (default warning), resolve included', async () => {
    const c = connector();
    await expect(c.notify!(message({ severity: 'info' }), DELIVERY)).resolves.toBeUndefined();
    await expect(
      c.notify!(message({ severity: 'info', event: 'resolved' }), DELIVERY),
    ).resolves.toBeUndefined();
    expect(relay.received).toEqual([]);
  });

  it('mails an error and its resolve when minSeverity is error', async () => {
    const c = connector({ minSeverity: 'error' });
    await c.notify!(message({ severity: 'warning' }), DELIVERY);
    await c.notify!(message({ severity: 'error' }), DELIVERY);
    await c.notify!(message({ severity: 'error', event: 'resolved' }), DELIVERY);
    expect(relay.received.map((r) => r.mail.subject)).toEqual([
      '[Switchboard] SERVER-01 is Offline. Trigger: Unavailable by ICMP ping',
      '[Switchboard] Resolved: SERVER-01 is Offline. Trigger: Unavailable by ICMP ping',
    ]);
  });
});

// ---------------------------------------------------------------- failures

describe('email errors', () => {
  it('reports a relay that requires AUTH, when no credentials are set, as auth', async () => {
    relay.behaviour.requireAuth = true;
    const err = await failure(
      connector({ username: undefined, password: undefined }).notify!(message(), DELIVERY),
    );
    expect(err).toMatchObject({ reason: 'auth', retryable: false });
    expect(err.message).toBe('email MAIL FROM: SMTP 530 5.7.0 (the relay requires authentication)');
    expect(relay.received).toEqual([]);
  });

  it('reports refused credentials (535) as auth, not retryable, without the password', async () => {
    const err = await failure(
      connector({ password: 'wrong-password' }).notify!(message(), DELIVERY),
    );
    expect(err).toMatchObject({ reason: 'auth', retryable: false });
    expect(err.message).toBe('email AUTH PLAIN: SMTP 535 5.7.8 (credentials rejected)');
    expectNoSecret(err);
  });

  it('retries a 4xx answer (451 at DATA)', async () => {
    relay.behaviour.data = { code: 451, text: 'Local error in processing' };
    const err = await failure(connector().notify!(message(), DELIVERY));
    expect(err).toMatchObject({ reason: 'unavailable', retryable: true });
    expect(err.message).toBe('email DATA: SMTP 451 4.3.0 (try again later)');
  });

  it('refuses a 5xx answer: every recipient unknown (550)', async () => {
    relay.behaviour.unknownRecipients = TO;
    const err = await failure(connector().notify!(message(), DELIVERY));
    expect(err).toMatchObject({ reason: 'invalid', retryable: false });
    expect(err.message).toMatch(/^email RCPT TO: SMTP 550 5\.\d\.\d \(rejected\)$/);
  });

  it('delivers to the recipients the relay accepts when only some are unknown', async () => {
    relay.behaviour.unknownRecipients = ['noc@msp.example'];
    await connector().notify!(message(), DELIVERY);
    expect(relay.received.map((r) => r.envelope.to)).toEqual([['oncall@msp.example']]);
  });

  it('retries when the relay refuses the connection or nothing listens', async () => {
    relay.behaviour.connect = { code: 421, text: 'Too many connections' };
    const refused = await failure(connector().notify!(message(), DELIVERY));
    expect(refused).toMatchObject({ reason: 'unavailable', retryable: true });
    expect(refused.message).toBe('email CONN: SMTP 421 (try again later)');

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const nobody = await failure(connector({ port }).notify!(message(), DELIVERY));
    expect(nobody).toMatchObject({ reason: 'unavailable', retryable: true });
    expect(nobody.message).toContain('connection refused');
  });

  it('retries a temporary authentication failure (454)', () => {
    const err = toEmailError(
      Object.assign(new Error('Invalid login'), {
        code: 'EAUTH',
        command: 'AUTH PLAIN',
        responseCode: 454,
        response: '454 4.7.0 Temporary authentication failure',
      }),
    );
    expect(err).toMatchObject({ reason: 'unavailable', retryable: true });
    expect(err.message).toBe('email AUTH PLAIN: SMTP 454 4.7.0 (try again later)');
  });

  it('classifies a timeout as unavailable and retryable', () => {
    const err = toEmailError(
      Object.assign(new Error('Connection timeout'), { code: 'ETIMEDOUT', command: 'CONN' }),
    );
    expect(err).toMatchObject({ reason: 'unavailable', retryable: true });
    expect(err.message).toBe('email CONN: timed out (ETIMEDOUT)');
  });
});

// ---------------------------------------------------------------- STARTTLS

describe('email STARTTLS', () => {
  it('refuses a relay whose self-signed certificate it cannot verify, and says which setting', async () => {
    const err = await failure(connector({ port: tlsRelay.port }).notify!(message(), DELIVERY));
    expect(err).toMatchObject({ reason: 'invalid', retryable: false });
    expect(err.message).toBe(
      "email CONN: the relay's TLS certificate is not trusted (ESOCKET, DEPTH_ZERO_SELF_SIGNED_CERT); set rejectUnauthorized false only for a self-signed relay",
    );
    expect(tlsRelay.received).toEqual([]);
  });

  it('upgrades with STARTTLS and delivers when rejectUnauthorized is false', async () => {
    await connector({ port: tlsRelay.port, rejectUnauthorized: false }).notify!(
      message(),
      DELIVERY,
    );
    expect(tlsRelay.received).toHaveLength(1);
    expect(tlsRelay.received[0].secure).toBe(true);
    expect(tlsRelay.received[0].user).toBe(USER);
  });
});

// ---------------------------------------------------------------- check, settings, normalize

describe('email check and settings', () => {
  it('check logs in and sends nothing', async () => {
    expect(await connector().check()).toEqual({ notify: { status: 'ok' } });
    expect(relay.received).toEqual([]);
  });

  it('check reports refused credentials as an error, without the password', async () => {
    relay.behaviour.refuseAuth = true;
    const report = await connector().check();
    expect(report.notify).toEqual({
      status: 'error',
      detail: 'email AUTH PLAIN: SMTP 535 5.7.8 (credentials rejected)',
    });
  });

  it('defaults to port 587, STARTTLS when offered, certificate checks on, minSeverity warning', () => {
    const settings = parseSettings(emailConnector.settings, {
      host: 'smtp.msp.example',
      from: 'alerts@msp.example',
      to: ['oncall@msp.example'],
    });
    expect(settings).toMatchObject({
      port: 587,
      secure: false,
      rejectUnauthorized: true,
      minSeverity: 'warning',
    });
  });

  it.each([
    ['a host with a scheme', { host: 'smtp://mail.msp.example' }, 'settings.host'],
    ['a port out of range', { port: 70000 }, 'settings.port'],
    ['a username without password', { password: undefined }, 'settings.password'],
    ['a password without username', { username: undefined }, 'settings.username'],
    ['no recipients', { to: [] }, 'settings.to'],
    ['a recipient that is no address', { to: ['oncall'] }, 'settings.to'],
    ['a sender that is no address', { from: 'Switchboard' }, 'settings.from'],
    ['an unknown minSeverity', { minSeverity: 'urgent' }, 'settings.minSeverity'],
  ])('rejects %s', (_name, changes, field) => {
    try {
      parseSettings(emailConnector.settings, { ...validSettings, ...changes });
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(SettingsError);
      expect((err as Error).message).toContain(field);
      expect((err as Error).message).not.toContain(PASSWORD);
    }
  });

  it('has no records to normalize', () => {
    expect(() => connector().normalize({ type: 'event', dedupeKey: 'x', payload: {} })).toThrow(
      ConnectorError,
    );
  });
});
