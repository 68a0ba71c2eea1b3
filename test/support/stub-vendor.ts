import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface StubResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * The vendor did the work but its answer never arrives: the socket is destroyed instead of
   * answering (a proxy timeout, a dropped connection), so the caller cannot tell it happened.
   */
  dropAnswer?: boolean;
}

export type StubHandler = (req: StubRequest) => StubResponse | Promise<StubResponse>;

/** How long the vendor takes before it handles a request: fixed, or drawn per request. */
export type Latency = number | (() => number);

/** A real HTTP server on 127.0.0.1 standing in for a vendor; it records every request. */
export class StubVendor {
  readonly requests: StubRequest[] = [];
  /** Requests whose answer was dropped on purpose (see `StubResponse.dropAnswer`). */
  answersDropped = 0;
  latency: Latency = 0;
  /** The most requests the vendor was handling at the same time (how parallel the callers were). */
  maxInFlight = 0;
  private inFlight = 0;
  private server!: Server;
  url = '';

  constructor(
    public handler: StubHandler,
    options: { latency?: Latency } = {},
  ) {
    this.latency = options.latency ?? 0;
  }

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const seen = {
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(seen);
        void this.answer(seen, res);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private async answer(seen: StubRequest, res: ServerResponse): Promise<void> {
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      await this.handle(seen, res);
    } finally {
      this.inFlight--;
    }
  }

  private async handle(seen: StubRequest, res: ServerResponse): Promise<void> {
    const delay = typeof this.latency === 'function' ? this.latency() : this.latency;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    let out: StubResponse;
    try {
      out = await this.handler(seen);
    } catch (err) {
      out = { status: 500, body: { error: `stub handler failed: ${String(err)}` } };
    }
    // The caller gave up (or the stub is stopping): there is nobody left to answer.
    if (res.destroyed) return;
    if (out.dropAnswer) {
      this.answersDropped++;
      res.socket?.destroy();
      return;
    }
    res.writeHead(out.status, { 'content-type': 'application/json', ...out.headers });
    res.end(out.body === undefined ? '' : JSON.stringify(out.body));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      // Keep-alive sockets and slow requests would otherwise hold close() open.
      this.server.closeAllConnections();
    });
  }
}
