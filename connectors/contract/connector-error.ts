export type ConnectorErrorReason =
  'auth' | 'denied' | 'not-found' | 'invalid' | 'rate-limited' | 'unavailable';

/**
 * The only error a connector lets escape. The message must never carry a secret or a whole
 * vendor body: it is stored on the instance and shown in the API.
 */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly reason: ConnectorErrorReason,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    /** Not a failure: the action cannot go yet and is retried without spending an attempt. */
    readonly waiting = false,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }

  /**
   * The action has to wait for something Switchboard does not know yet (a company mapping the
   * next poll will read, the ticket an earlier message creates). It is retried after
   * `retryAfterMs` and never dead-lettered for it (until the outbox's waiting limit).
   */
  static waiting(message: string, retryAfterMs = 60_000): ConnectorError {
    return new ConnectorError(message, 'not-found', true, retryAfterMs, true);
  }

  static auth(message: string): ConnectorError {
    return new ConnectorError(message, 'auth', false);
  }

  static invalid(message: string): ConnectorError {
    return new ConnectorError(message, 'invalid', false);
  }
}
