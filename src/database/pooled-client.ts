import { Client, type ClientConfig } from 'pg';

/** node-postgres's client-side timeout (query_timeout), the only error that means "no answer". */
const NO_ANSWER = 'Query read timeout';

/**
 * Per connection, at most this many statements are kept prepared on the server. The service
 * sends well under a hundred distinct hot statements; the cap bounds a backend's memory when
 * some caller builds texts that vary (an IN list of every length).
 */
const MAX_PREPARED = 256;
/** A text is prepared on its second use: a one-off statement never takes a slot. */
const SEEN_LIMIT = 4096;

export interface PooledClientConfig extends ClientConfig {
  /** Keep each parameterized statement prepared on the connection (DATABASE_PREPARED_STATEMENTS). */
  preparedStatements?: boolean;
}

/**
 * The pool's pg client, with two changes to node-postgres's:
 *
 * It closes its connection when a query got no answer within query_timeout. node-postgres keeps
 * such a client in the pool with the unanswered query still at the head of its queue: after a
 * network cut that lost the connection's bytes (a firewall that forgot it, a failover), every
 * later query on it waited behind that one, and the replica never recovered without a restart.
 * Closed, the pool drops it and opens a fresh connection.
 *
 * It prepares each parameterized statement once per connection (a named statement). Unnamed,
 * PostgreSQL parses and plans the text again on every execution: in a storm that was about two
 * thirds of the database's time per statement, and the normalizer runs some ten statements per
 * record. Parameters still travel separately; only parameterized statements are named, so a
 * multi-statement text (simple protocol) is never affected.
 */
export class PooledClient extends Client {
  private readonly prepare: boolean;
  private readonly names = new Map<string, string>();
  private readonly seen = new Set<string>();
  /** Statements prepared on this connection so far; names are never reused. */
  private preparedCount = 0;

  constructor(config?: PooledClientConfig) {
    super(config);
    this.prepare = config?.preparedStatements ?? false;
    // The pool listens only while a client is idle; a connection closed mid-checkout must not
    // become an unhandled 'error' event. Its queries fail on their own, and the pool drops it
    // on release because it is no longer queryable.
    this.on('error', () => undefined);
  }

  override query: Client['query'] = ((...args: unknown[]) => {
    if (this.prepare) this.nameStatement(args);
    const last = args.at(-1);
    if (typeof last === 'function') {
      args[args.length - 1] = (err: Error | null, res: unknown) => {
        this.recover(err);
        (last as (e: Error | null, r: unknown) => void)(err, res);
      };
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise)
      return result.catch((err: unknown) => {
        this.recover(err);
        throw err;
      });
    return result;
  }) as Client['query'];

  /** `(text, values, …)` → `({ name, text, values }, …)` once the text is seen again. */
  private nameStatement(args: unknown[]): void {
    const [text, values] = args;
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0) return;
    let name = this.names.get(text);
    if (name === undefined) {
      if (this.preparedCount >= MAX_PREPARED) return;
      if (!this.seen.has(text)) {
        if (this.seen.size >= SEEN_LIMIT) this.seen.clear();
        this.seen.add(text);
        return;
      }
      this.seen.delete(text);
      name = `sb${this.preparedCount++}`;
      this.names.set(text, name);
    }
    args.splice(0, 2, { name, text, values });
  }

  private recover(err: unknown): void {
    if (!(err instanceof Error)) return;
    const connection = (
      this as unknown as {
        connection?: { stream?: { destroy(): void }; parsedStatements?: Record<string, string> };
      }
    ).connection;
    // A migration by another replica changed a table under a prepared statement: PostgreSQL
    // refuses it from then on. This query fails; every later one prepares afresh under a new
    // name (the stale ones stay on the server until the connection closes, within the cap).
    if ((err as { code?: string }).code === '0A000' && /cached plan/.test(err.message)) {
      this.names.clear();
      for (const name of Object.keys(connection?.parsedStatements ?? {}))
        delete connection!.parsedStatements![name];
      return;
    }
    if (err.message === NO_ANSWER) connection?.stream?.destroy();
  }
}
