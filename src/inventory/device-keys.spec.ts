import { deviceKeys, externalKey } from './device-keys';

describe('device keys', () => {
  it.each([
    [
      'a short hostname in any case',
      { hostname: 'SERVER-01' },
      { hostname: 'server-01', fqdn: null },
    ],
    [
      'an FQDN given as hostname',
      { hostname: 'Server-01.acme.local.' },
      { hostname: 'server-01', fqdn: 'server-01.acme.local' },
    ],
    ['an FQDN only', { fqdn: 'db1.acme.local' }, { hostname: 'db1', fqdn: 'db1.acme.local' }],
    ['an IP given as hostname', { hostname: '10.0.0.5' }, { hostname: null, ip: '10.0.0.5' }],
    ['a junk serial', { hostname: 'a', serial: 'To be filled by O.E.M.' }, { serial: null }],
    ['a loopback IP', { hostname: 'a', ip: '127.0.0.1' }, { ip: null }],
  ])('normalises %s', (_name, ref, expected) => {
    expect(deviceKeys(ref)).toMatchObject(expected);
  });

  it('links by the tool id first, then the most specific identifier', () => {
    expect(externalKey({ externalId: '42', hostname: 'a' }, deviceKeys({ hostname: 'a' }))).toBe(
      'id:42',
    );
    expect(
      externalKey({ hostname: 'a', serial: 'abc1' }, deviceKeys({ hostname: 'a', serial: 'abc1' })),
    ).toBe('serial:ABC1');
    expect(externalKey({}, deviceKeys({}))).toBeNull();
  });
});
