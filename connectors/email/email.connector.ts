import { createTransport, type Transporter } from 'nodemailer';
import type {
  CapabilityReport,
  Connector,
  ConnectorContext,
  DeliveryMarker,
  PagingMessage,
  RawRecord,
} from '../contract/connector';
import type { CanonicalEvent } from '../contract/canonical';
import { ConnectorError } from '../contract/connector-error';
import { belowThreshold } from '../shared/notify';
import { probe } from '../shared/probe';
import { toEmailError } from './email.errors';
import { toMail } from './email.mail';
import type { EmailSettings } from './email.settings';

/** Short waits: a page that cannot go out should fail fast and be retried by the outbox. */
const CONNECTION_TIMEOUT_MS = 10_000;
const GREETING_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;

/** An SMTP transport of its own (the context's HTTP client does not speak SMTP). */
export function createSmtpTransport(settings: EmailSettings): Transporter {
  return createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: settings.username ? { user: settings.username, pass: settings.password } : undefined,
    tls: { rejectUnauthorized: settings.rejectUnauthorized },
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    // The messages are plain text built here: no file or URL is ever attached.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
}

export class EmailConnector implements Connector {
  private readonly transport: Transporter;

  constructor(private readonly ctx: ConnectorContext<EmailSettings>) {
    this.transport = createSmtpTransport(ctx.settings);
  }

  /** Connects, upgrades to TLS and logs in (nodemailer's verify), sending no mail. */
  async check(): Promise<CapabilityReport> {
    const notify = await probe(async () => {
      try {
        await this.transport.verify();
      } catch (err) {
        throw toEmailError(err);
      }
    });
    return { notify };
  }

  normalize(raw: RawRecord): CanonicalEvent[] {
    throw ConnectorError.invalid(`email: sends notifications only, no ${raw.type} records`);
  }

  /**
   * One mail per message. A relay keeps no record of Message-IDs, so a retry after a lost
   * answer sends the mail again; it keeps its Message-ID, and mail clients show it once.
   */
  async notify(message: PagingMessage, delivery: DeliveryMarker): Promise<void> {
    const { settings } = this.ctx;
    if (belowThreshold(message, settings.minSeverity)) return;
    try {
      await this.transport.sendMail(toMail(message, delivery, settings, this.ctx.clock()));
    } catch (err) {
      throw toEmailError(err);
    }
  }
}
