import { Client } from 'pg';
import { eventually } from '../support/app';
import { freshDatabase, type TestDatabase } from '../support/database';
import { startService, stopService, type RunningService } from '../support/process';
import { BlackHoleProxy } from '../support/tcp-proxy';

export const ADMIN = 'chaos-suite-admin-token-0123456789';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** Like `eventually`, but says whether it came true instead of throwing: counts come first. */
export async function settled(
  check: () => Promise<boolean>,
  timeoutMs: number,
  stepMs = 100,
): Promise<boolean> {
  return eventually(check, timeoutMs, stepMs).then(
    () => true,
    () => false,
  );
}

export interface Instance {
  id: string;
  secret: string;
}

export interface ClusterOptions {
  replicas: number;
  env?: Record<string, string>;
  /** Every replica reaches PostgreSQL through one black-hole proxy (see its modes). */
  proxy?: 'hold' | 'drop';
}

/**
 * Real Switchboard processes (test/support/replica-main.ts, fake tools registered) on one fresh
 * database, started together. The test reads the database directly, never through the proxy,
 * so it still sees what happened while the replicas cannot.
 */
export class Cluster {
  readonly replicas: RunningService[] = [];
  /** Replicas that did not come up, with why (the start error, cut short). */
  readonly startFailures: string[] = [];
  readonly db: Client;

  private constructor(
    readonly database: TestDatabase,
    readonly proxy: BlackHoleProxy | null,
  ) {
    this.db = new Client({ connectionString: database.env.DATABASE_URL });
  }

  static async start(options: ClusterOptions): Promise<Cluster> {
    const database = await freshDatabase();
    const proxy = options.proxy ? new BlackHoleProxy({ mode: options.proxy }) : null;
    const cluster = new Cluster(database, proxy);
    await cluster.db.connect();
    let url = database.env.DATABASE_URL;
    if (proxy) {
      const target = new URL(url);
      await proxy.start({ host: target.hostname, port: Number(target.port || 5432) });
      url = proxy.via(url);
    }
    const env = {
      ...database.env,
      DATABASE_URL: url,
      SWITCHBOARD_BOOTSTRAP_TOKEN: ADMIN,
      // Idle workers poll the database; on 2 cores a faster tick only steals CPU from the work.
      WORKER_TICK_MS: '100',
      ...options.env,
    };
    const started = await Promise.allSettled(
      Array.from({ length: options.replicas }, () => startService(env, 'replica')),
    );
    for (const s of started) {
      if (s.status === 'fulfilled') cluster.replicas.push(s.value);
      else cluster.startFailures.push(String(s.reason).slice(0, 500));
    }
    return cluster;
  }

  /** Replicas not killed. */
  live(): RunningService[] {
    return this.replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
  }

  /** The n-th live replica, round robin: how a load balancer spreads webhooks. */
  url(n: number): string {
    const live = this.live();
    if (live.length === 0) throw new Error('no replica is running');
    return live[n % live.length].url;
  }

  /** A connector instance created over the API; its poll is pushed a day out (not under test). */
  async connector(kind: string, name: string, baseUrl?: string): Promise<Instance> {
    const res = await fetch(`${this.url(0)}/api/v1/connectors`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind, name, ...(baseUrl ? { settings: { baseUrl } } : {}) }),
    });
    const body = (await res.json()) as { id: string; webhook?: { secret: string } };
    if (res.status !== 201)
      throw new Error(`creating ${kind}: ${res.status} ${JSON.stringify(body)}`);
    await this.db.query(
      `UPDATE connector_instance SET next_poll_at = now() + interval '1 day' WHERE id = $1`,
      [body.id],
    );
    return { id: body.id, secret: body.webhook?.secret ?? '' };
  }

  async count(sql: string, params: unknown[] = []): Promise<number> {
    return Number((await this.db.query(sql, params)).rows[0].count);
  }

  /** Nothing left to normalize or deliver. */
  async quiet(): Promise<boolean> {
    const busy = await this.count(
      `SELECT (SELECT count(*) FROM inbox_event WHERE status = 'pending')
            + (SELECT count(*) FROM outbox_message WHERE status IN ('pending', 'delivering')) AS count`,
    );
    return busy === 0;
  }

  /** Every replica's output, headed by its pid: the evidence when something went wrong. */
  output(): string {
    return this.replicas
      .map((r) => `--- replica pid ${r.child.pid} ---\n${r.output().trim()}`)
      .join('\n');
  }

  private stopped = false;

  /** Ends the replicas and drops the database; a second call does nothing. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.replicas.map((r) => stopService(r, 'SIGKILL')));
    await this.db.end();
    await this.proxy?.stop();
    await this.database.drop();
  }
}

export interface Answer {
  /** 0: no answer at all (the replica is gone, or the wait ran out). */
  status: number;
  retryAfter: string | null;
  ms: number;
}

/** One webhook POST, bounded: a hang becomes `status: 0`, never a stuck test. */
export async function postWebhook(
  url: string,
  instance: Instance,
  body: unknown,
  timeoutMs = 20_000,
): Promise<Answer> {
  const started = Date.now();
  try {
    const res = await fetch(`${url}/webhooks/${instance.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchboard-token': instance.secret },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      ms: Date.now() - started,
    };
  } catch {
    return { status: 0, retryAfter: null, ms: Date.now() - started };
  }
}

/** Counts what was sent and what was acknowledged, so a report never states a constant. */
export class WebhookTally {
  sent = 0;
  acknowledged = 0;
  /** Ids of acknowledged events (for the generic connector, its inbox dedupe key is `id:<id>`). */
  readonly ackedIds: string[] = [];

  async post(url: string, instance: Instance, body: unknown, id: string): Promise<Answer> {
    this.sent++;
    const answer = await postWebhook(url, instance, body);
    if (answer.status >= 200 && answer.status < 300) {
      this.acknowledged++;
      this.ackedIds.push(id);
    }
    return answer;
  }

  /**
   * As a tool behind a load balancer does: no answer or a 503, and the same event goes to the
   * next live replica, until one acknowledges it.
   */
  async deliver(
    cluster: Cluster,
    replica: number,
    instance: Instance,
    body: unknown,
    id: string,
  ): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const answer = await this.post(cluster.url(replica + attempt), instance, body, id);
      if (answer.status === 202) return;
      if (answer.status !== 0 && answer.status !== 503)
        throw new Error(`webhook ${id}: HTTP ${answer.status}`);
      await sleep(200);
    }
    throw new Error(`webhook ${id}: no replica acknowledged it`);
  }
}

/** A small seeded generator (mulberry32): the same seed draws the same storm. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A counter summed over the live replicas' /metrics (each replica counts only its own). */
export async function metricTotal(cluster: Cluster, name: string): Promise<number> {
  let total = 0;
  for (const replica of cluster.live()) {
    const text = await fetch(`${replica.url}/metrics`).then((r) => r.text());
    for (const line of text.split('\n')) {
      const sample = /^([^\s{]+)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
      if (sample?.[1] === name) total += Number(sample[2]);
    }
  }
  return total;
}
