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
  ) {
    super(message);
    this.name = 'ConnectorError';
  }

  static auth(message: string): ConnectorError {
    return new ConnectorError(message, 'auth', false);
  }

  static invalid(message: string): ConnectorError {
    return new ConnectorError(message, 'invalid', false);
  }
}
