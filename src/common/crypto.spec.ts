import { randomBytes } from 'node:crypto';
import { decryptJson, encryptJson } from './crypto';

describe('credentials encryption', () => {
  const key = randomBytes(32);

  it('round-trips and never shows the plaintext', () => {
    const blob = encryptJson(key, 'owner-1', { clientSecret: 'hunter2-very-secret' });
    expect(blob).not.toContain('hunter2');
    expect(decryptJson(key, 'owner-1', blob)).toEqual({ clientSecret: 'hunter2-very-secret' });
  });

  it('refuses a blob moved to another owner or read with another key', () => {
    const blob = encryptJson(key, 'owner-1', { a: 1 });
    expect(() => decryptJson(key, 'owner-2', blob)).toThrow();
    expect(() => decryptJson(randomBytes(32), 'owner-1', blob)).toThrow();
  });
});
