import { ConnectorError } from '../../connectors/contract/connector-error';
import { classifyDeliveryError } from './command-delivery';

describe(classifyDeliveryError.name, () => {
  it('keeps a connector verdict as it is', () => {
    const given = new ConnectorError('cw: HTTP 429', 'rate-limited', true, 5000);
    expect(classifyDeliveryError(given)).toEqual({ error: given, bug: false });
  });

  it.each([
    [
      'a database that went away',
      Object.assign(new Error('terminating connection'), { code: '57P01' }),
    ],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
    [
      'an unwrapped HTTP client error',
      Object.assign(new Error('socket hang up'), { isAxiosError: true }),
    ],
  ])('retries %s', (_name, err) => {
    const { error, bug } = classifyDeliveryError(err);
    expect(bug).toBe(false);
    expect(error.retryable).toBe(true);
  });

  it('dead-letters a programming error at once, naming it and where it happened', () => {
    let thrown: unknown;
    try {
      (undefined as unknown as { id: string }).id.toString();
    } catch (err) {
      thrown = err;
    }
    const { error, bug } = classifyDeliveryError(thrown);
    expect(bug).toBe(true);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^bug: TypeError: .* at .*outbox-dispatcher\.spec\.ts/);
  });
});
