import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { ConnectorDefinition } from '../../connectors/contract/connector';
import { CONNECTOR_DEFINITIONS } from '../../connectors/registry';
import { TokenService } from '../../src/access/token.service';
import type { Role } from '../../src/access/entities/api-token.entity';
import { createApp } from '../../src/app.factory';
import type { OpenedDatabase } from '../../src/database/open-database';
import { freshDatabase, type TestDatabase } from './database';

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestApp {
  app: INestApplication;
  db: OpenedDatabase;
  database: TestDatabase;
  baseUrl: string;
  adminToken: string;
  token(role: Role, clientId?: string | null): Promise<string>;
  api<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    token?: string | null,
  ): Promise<HttpResult<T>>;
  post(path: string, raw: string | Buffer, headers?: Record<string, string>): Promise<HttpResult>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  definitions?: readonly ConnectorDefinition<object>[];
  workers?: boolean;
  env?: Record<string, string>;
  database?: TestDatabase;
}

async function parse(res: Response): Promise<HttpResult> {
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { text };
  }
  return { status: res.status, body, headers: res.headers };
}

/** The real service on a loopback port, on a fresh database, talked to over real HTTP. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await freshDatabase());
  const db = await database.open({
    LOG_LEVEL: 'silent',
    SWITCHBOARD_WORKERS: String(options.workers ?? true),
    WORKER_TICK_MS: '100',
    OUTBOX_BASE_DELAY_MS: '50',
    ...options.env,
  });
  const app = await createApp({
    config: db.config,
    dataSource: db.dataSource,
    definitions: options.definitions ?? CONNECTOR_DEFINITIONS,
  });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const tokens = app.get(TokenService);
  const adminToken = (await tokens.issue({ name: 'test-admin', role: 'admin' })).secret;

  const self: TestApp = {
    app,
    db,
    database,
    baseUrl,
    adminToken,
    token: async (role, clientId = null) =>
      (await tokens.issue({ name: `test-${role}`, role, clientId })).secret,
    api: async (method, path, body, token = adminToken) => {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await parse(res)) as never;
    },
    post: async (path, raw, headers = {}) =>
      parse(
        await fetch(baseUrl + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: raw,
        }),
      ),
    count: async (table) =>
      Number((await db.dataSource.query(`SELECT count(*) AS n FROM ${table}`))[0].n),
    close: async () => {
      await app.close();
      await db.close();
      if (!options.database) await database.drop();
    },
  };
  return self;
}

/** Polls `check` until it returns a value or the time is up (bounded waits only). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  stepMs = 50,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
