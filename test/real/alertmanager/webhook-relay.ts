import { createServer, type IncomingMessage, type Server } from 'node:http';

/** One notification as Alertmanager sent it, and what became of it. */
export interface RelayedNotification {
  path: string;
  authorization: string | undefined;
  userAgent: string | undefined;
  body: { status?: string; alerts?: { status: string; fingerprint: string }[] };
  /** The app's answer, or the relay's own when it dropped the notification. */
  status: number;
  forwarded: boolean;
}

/**
 * The receiver URL setup.sh writes into alertmanager.yml is a fixed loopback port; the app
 * under test listens on a random one. This relay sits on the fixed port and passes each
 * notification on to the app's /webhooks/<instanceId>, unchanged: body, Authorization,
 * Content-Type, User-Agent and query string. `drop` makes it answer 400 without passing the
 * notification on — a delivery Alertmanager gives up on (it retries 5xx only).
 */
export class WebhookRelay {
  /** Every notification, once answered, in the order answered. */
  readonly seen: RelayedNotification[] = [];
  target = '';
  drop = false;
  private server?: Server;

  constructor(private readonly port: number) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.relay(req).then(
        ({ status, text }) => {
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(502, { 'Content-Type': 'text/plain' });
          res.end(String(err));
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', resolve);
    });
  }

  private async relay(req: IncomingMessage): Promise<{ status: number; text: string }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://relay');
    const entry: RelayedNotification = {
      path: url.pathname,
      authorization: req.headers.authorization,
      userAgent: req.headers['user-agent'],
      body: JSON.parse(raw.toString('utf8')) as RelayedNotification['body'],
      status: 0,
      forwarded: false,
    };
    if (this.drop || !this.target) {
      entry.status = 400;
      this.seen.push(entry);
      return { status: 400, text: '{"dropped":true}' };
    }
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'user-agent']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(`${this.target}${url.search}`, {
      method: 'POST',
      headers,
      body: raw,
    });
    const text = await answer.text();
    entry.status = answer.status;
    entry.forwarded = true;
    // Listed once answered, so a test reading it sees the app's status.
    this.seen.push(entry);
    return { status: answer.status, text };
  }

  /** Notifications carrying the alert with this fingerprint in this status. */
  about(fingerprint: string, status: 'firing' | 'resolved'): RelayedNotification[] {
    return this.seen.filter((n) =>
      (n.body.alerts ?? []).some((a) => a.fingerprint === fingerprint && a.status === status),
    );
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
