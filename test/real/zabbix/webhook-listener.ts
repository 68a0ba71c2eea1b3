import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InboundRequest } from '../../../connectors/contract/connector';

/** A loopback HTTP server standing in for Switchboard's webhook endpoint. */
export class WebhookListener {
  readonly received: InboundRequest[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks);
        let body: unknown = null;
        try {
          body = JSON.parse(rawBody.toString('utf8'));
        } catch {
          body = null;
        }
        this.received.push({ headers: flatten(req.headers), query: {}, rawBody, body });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/webhooks/zabbix`;
  }

  /** The first request whose JSON body satisfies `match`. */
  find(match: (body: Record<string, unknown>) => boolean): InboundRequest | undefined {
    return this.received.find(
      (r) =>
        r.body !== null && typeof r.body === 'object' && match(r.body as Record<string, unknown>),
    );
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function flatten(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
