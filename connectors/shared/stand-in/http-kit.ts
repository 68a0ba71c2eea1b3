import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * The little HTTP plumbing the three stand-ins share: node:http(s) only, no framework, so the
 * stand-ins run anywhere the repo runs and answer exactly the bytes we choose.
 */

/** PEM key and certificate for the stand-ins that must speak HTTPS. */
export interface TlsMaterial {
  key: string;
  cert: string;
}

export interface StandInRequest {
  method: string;
  /** URL path, not decoded (ids in paths are plain digits anyway). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** scheme://host:port as the client addressed us; paging links are built from it. */
  origin: string;
}

export interface StandInResponse {
  status: number;
  /** Serialised as JSON unless it is a string (sent as text); absent means an empty body. */
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: StandInRequest) => StandInResponse | Promise<StandInResponse>;

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Bodies are small JSON documents; anything larger is a client bug, not a load test. */
const MAX_BODY = 5 * 1024 * 1024;

export function json(status: number, body?: unknown, headers?: Record<string, string>) {
  return { status, body, headers } satisfies StandInResponse;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function write(res: ServerResponse, reply: StandInResponse): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload: string | undefined;
  if (reply.body !== undefined) {
    const text = typeof reply.body === 'string';
    payload = text ? (reply.body as string) : JSON.stringify(reply.body);
    headers['Content-Type'] ??= text
      ? 'text/plain; charset=utf-8'
      : 'application/json; charset=utf-8';
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** Parses JSON or answers with the reply the caller chose for malformed input. */
export function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Starts a server on 127.0.0.1 only (never on all interfaces: these accept fake credentials).
 * Port 0 picks a free one. A handler that throws answers 500, like a real server's bug would.
 */
export async function listen(
  handler: Handler,
  options: { port?: number; tls?: TlsMaterial } = {},
): Promise<RunningServer> {
  const scheme = options.tls ? 'https' : 'http';
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', `${scheme}://${req.headers.host ?? '127.0.0.1'}`);
        const reply = await handler({
          method: (req.method ?? 'GET').toUpperCase(),
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: await readBody(req),
          origin: url.origin,
        });
        write(res, reply);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (!res.headersSent) write(res, json(500, { message: `stand-in error: ${message}` }));
        else res.destroy();
      }
    })();
  };
  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, onRequest)
    : createHttpServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // Clients keep connections alive; drop them or close() waits for their idle timeout.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
