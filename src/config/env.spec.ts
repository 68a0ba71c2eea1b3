import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvError, loadEnv } from './env';

/** The message loadEnv throws for this environment, or null when it is accepted. */
function problem(source: Record<string, string>): string | null {
  try {
    loadEnv(source);
    return null;
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    return err.message;
  }
}

describe('configuration', () => {
  it('takes the defaults from an empty environment', () => {
    expect(loadEnv({})).toMatchObject({ PORT: 3000, SWITCHBOARD_WORKERS: true, LOG_LEVEL: 'info' });
  });

  it.each([
    [
      'SWITCHBOARD_WORKERS',
      'maybe',
      'Invalid configuration: SWITCHBOARD_WORKERS must be true or false',
    ],
    [
      'SWITCHBOARD_WORKERS',
      '1',
      'Invalid configuration: SWITCHBOARD_WORKERS must be true or false',
    ],
    ['PORT', 'abc', 'Invalid configuration: PORT must be an integer number'],
    ['PORT', '3.5', 'Invalid configuration: PORT must be an integer number'],
    ['PORT', '70000', 'Invalid configuration: PORT must not be greater than 65535'],
    [
      'OUTBOX_LEASE_SECONDS',
      '0',
      'Invalid configuration: OUTBOX_LEASE_SECONDS must not be less than 1',
    ],
    [
      'SWITCHBOARD_TEMPLATES_DIR',
      '/nonexistent/templates',
      'Invalid configuration: SWITCHBOARD_TEMPLATES_DIR must be an existing directory',
    ],
  ])('refuses %s=%s in one line naming it', (name, value, message) => {
    expect(problem({ [name]: value })).toBe(message);
  });

  it('gives one line per bad variable, and never echoes a value', () => {
    const message = problem({ PORT: 'abc', SWITCHBOARD_SECRET_KEY: 'hunter2-not-a-key' });
    expect(message?.split('\n')).toEqual([
      'Invalid configuration: PORT must be an integer number',
      'Invalid configuration: SWITCHBOARD_SECRET_KEY must be 32 bytes as 64 hex characters or base64',
    ]);
    expect(message).not.toContain('hunter2');
  });

  it('accepts the strict spellings and an existing templates directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-templates-'));
    expect(
      loadEnv({ SWITCHBOARD_WORKERS: 'false', PORT: '8080', SWITCHBOARD_TEMPLATES_DIR: dir }),
    ).toMatchObject({ SWITCHBOARD_WORKERS: false, PORT: 8080, SWITCHBOARD_TEMPLATES_DIR: dir });
  });
});
