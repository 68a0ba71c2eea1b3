import { ConnectorError } from '../contract/connector-error';
import { probe } from './probe';

describe(probe.name, () => {
  it.each([
    ['a call that answers is ok', async () => undefined, { status: 'ok' }],
    [
      'an answer naming a problem is an error with that detail',
      async () => 'board 12 has no closed status',
      { status: 'error', detail: 'board 12 has no closed status' },
    ],
    [
      'a refused right is denied',
      async () => {
        throw new ConnectorError('vendor: HTTP 403', 'denied', false);
      },
      { status: 'denied', detail: 'vendor: HTTP 403' },
    ],
    [
      'bad credentials are an error, as in the core',
      async () => {
        throw new ConnectorError('vendor: HTTP 401', 'auth', false);
      },
      { status: 'error', detail: 'vendor: HTTP 401' },
    ],
    [
      'a vendor outage is an error',
      async () => {
        throw new ConnectorError('vendor: HTTP 503', 'unavailable', true);
      },
      { status: 'error', detail: 'vendor: HTTP 503' },
    ],
  ])('%s', async (_name, run: () => Promise<string | void>, expected) => {
    await expect(probe(run)).resolves.toEqual(expected);
  });

  it('throws what is not a vendor answer (a bug), for the core to report', async () => {
    await expect(
      probe(async () => {
        throw new TypeError('x is undefined');
      }),
    ).rejects.toThrow(TypeError);
  });
});
