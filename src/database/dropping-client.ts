import { Client } from 'pg';

/** node-postgres's client-side timeout (query_timeout), the only error that means "no answer". */
const NO_ANSWER = 'Query read timeout';

/**
 * A pg client that closes its connection when a query got no answer within query_timeout.
 * node-postgres keeps such a client in the pool with the unanswered query still at the head of
 * its queue: after a network cut that lost the connection's bytes (a firewall that forgot it, a
 * failover), every later query on it waited behind that one, and the replica never recovered
 * without a restart. Closed, the pool drops it and opens a fresh connection.
 */
export class DroppingClient extends Client {
  constructor(config?: ConstructorParameters<typeof Client>[0]) {
    super(config);
    // The pool listens only while a client is idle; a connection closed mid-checkout must not
    // become an unhandled 'error' event. Its queries fail on their own, and the pool drops it
    // on release because it is no longer queryable.
    this.on('error', () => undefined);
  }

  override query: Client['query'] = ((...args: unknown[]) => {
    const last = args.at(-1);
    if (typeof last === 'function') {
      args[args.length - 1] = (err: Error | null, res: unknown) => {
        this.dropIfUnanswered(err);
        (last as (e: Error | null, r: unknown) => void)(err, res);
      };
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise)
      return result.catch((err: unknown) => {
        this.dropIfUnanswered(err);
        throw err;
      });
    return result;
  }) as Client['query'];

  private dropIfUnanswered(err: unknown): void {
    if (!(err instanceof Error) || err.message !== NO_ANSWER) return;
    const connection = (this as unknown as { connection?: { stream?: { destroy(): void } } })
      .connection;
    connection?.stream?.destroy();
  }
}
