import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CaptureServer,
  closedPort,
  FakeHost,
  SCRIPTS_DIR,
  type CapturedRequest,
} from './test-support/fake-host';

/** The bash field scripts, run for real by bash against a fake host. */

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
/** What the scripts need from the system besides the fakes, for the PATH without curl. */
const BASE_PROGRAMS = ['date', 'head', 'mktemp', 'rm', 'sort', 'tr', 'uname'];

type Json = Record<string, unknown>;

function events(request: CapturedRequest | undefined): Json[] {
  if (!request) throw new Error('nothing was posted');
  const body: unknown = JSON.parse(request.body);
  if (!Array.isArray(body)) throw new Error(`the body is not an array: ${request.body}`);
  return body as Json[];
}

function expectRecent(iso: unknown): void {
  expect(iso).toMatch(ISO_UTC);
  const age = Date.now() - Date.parse(String(iso));
  expect(age).toBeGreaterThanOrEqual(-2000);
  expect(age).toBeLessThan(60_000);
}

describe('scripts/linux/check-critical-services.sh', () => {
  let host: FakeHost;
  beforeEach(async () => {
    host = await FakeHost.create({ serial: 'VMW-4242' });
  });
  afterEach(() => host.remove());

  it('exits 0 and names the services when every one is active', async () => {
    await host.services({ nginx: 'active', postgresql: 'active' });
    const run = await host.run('check-critical-services.sh', ['nginx', 'postgresql']);
    expect(run.code).toBe(0);
    expect(run.lines).toEqual([
      'All running: nginx, postgresql',
      '{"switchboard":"critical-services","version":1,"ok":true,"services":[' +
        '{"name":"nginx","state":"active","up":true},' +
        '{"name":"postgresql","state":"active","up":true}],"exitCode":0}',
    ]);
    expect(run.stderr).toBe('');
    expect(await host.calls()).toEqual(['is-active -- nginx', 'is-active -- postgresql']);
  });

  it('exits 2 naming each service that is not active, and why', async () => {
    await host.services({ nginx: 'active', postgresql: 'failed', cron: 'inactive' });
    const run = await host.run('check-critical-services.sh', [
      'nginx',
      'postgresql',
      'cron',
      'redis',
    ]);
    expect(run.code).toBe(2);
    expect(run.lines[0]).toBe(
      'Not running: postgresql (failed), cron (inactive), redis (not installed)',
    );
    expect(run.report).toEqual({
      switchboard: 'critical-services',
      version: 1,
      ok: false,
      services: [
        { name: 'nginx', state: 'active', up: true },
        { name: 'postgresql', state: 'failed', up: false },
        { name: 'cron', state: 'inactive', up: false },
        { name: 'redis', state: 'not installed', up: false },
      ],
      exitCode: 2,
    });
  });

  it('writes names with quotes, backslashes and control characters as valid JSON', async () => {
    const odd = ['we"ird', 'back\\slash', 'tab\there', 'bell\u0007x'];
    const run = await host.run('check-critical-services.sh', odd);
    expect(run.code).toBe(2);
    expect(run.report?.services).toEqual(
      odd.map((name) => ({ name, state: 'not installed', up: false })),
    );
  });

  it.each([
    ['no service', [], /name at least one service/],
    ['an unknown option', ['--verbose', 'nginx'], /unknown option --verbose/],
    ['--url without a secret', ['--url', 'http://127.0.0.1:9/x', 'nginx'], /--url needs --secret/],
    ['a URL that is not http(s)', ['--url', 'ftp://x', '--secret', 's', 'nginx'], /http\(s\) URL/],
    ['an option without its value', ['nginx', '--secret'], /--secret needs a value/],
    [
      'a secret with a quote',
      ['--url', 'http://x', '--secret', 'a"b', 'nginx'],
      /must not contain/,
    ],
  ])('exits 4 on %s, with the usage on stderr', async (_name, args, message) => {
    const run = await host.run('check-critical-services.sh', args);
    expect(run.code).toBe(4);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('Usage: check-critical-services');
  });

  it('prints its usage for --help and exits 0', async () => {
    const run = await host.run('check-critical-services.sh', ['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: check-critical-services');
  });

  describe('posting to Switchboard', () => {
    let server: CaptureServer;
    beforeEach(async () => {
      server = await CaptureServer.start();
      await host.services({ nginx: 'active', postgresql: 'failed' });
    });
    afterEach(() => server.close());

    it('posts one event per service with the device, the check and origin verification', async () => {
      server.reply = '{"accepted":2,"stored":2,"duplicates":0}';
      const run = await host.run('check-critical-services.sh', [
        '--url',
        server.url,
        '--secret',
        'whsec_test',
        '--client',
        'Acme Dental, Inc.',
        'nginx',
        'postgresql',
      ]);
      expect(run.code).toBe(2);
      expect(run.lines).toEqual([
        'Not running: postgresql (failed)',
        'Switchboard: 202 {"accepted":2,"stored":2,"duplicates":0}',
        expect.stringContaining('"posted":true,"exitCode":2}'),
      ]);
      expect(server.requests).toHaveLength(1);
      const [request] = server.requests;
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/webhooks/capture');
      expect(request.headers['x-switchboard-token']).toBe('whsec_test');
      expect(request.headers['content-type']).toBe('application/json');
      const posted = events(request);
      expect(posted).toEqual([
        {
          eventId: expect.any(String),
          kind: 'service.up',
          occurredAt: expect.any(String),
          client: 'Acme Dental, Inc.',
          device: { hostname: 'web-01', fqdn: 'web-01.acme.local', serial: 'VMW-4242' },
          service: { name: 'nginx' },
          check: { name: 'check-critical-services' },
          origin: 'verification',
          message: 'check-critical-services: nginx is active',
        },
        {
          eventId: expect.any(String),
          kind: 'service.down',
          occurredAt: expect.any(String),
          client: 'Acme Dental, Inc.',
          device: { hostname: 'web-01', fqdn: 'web-01.acme.local', serial: 'VMW-4242' },
          service: { name: 'postgresql' },
          check: { name: 'check-critical-services' },
          origin: 'verification',
          message: 'check-critical-services: postgresql is not active (failed)',
        },
      ]);
      for (const event of posted) {
        expectRecent(event.occurredAt);
        const service = (event.service as Json).name as string;
        expect(event.eventId).toBe(
          `web-01|check-critical-services|${String(event.kind)}|${service}|${String(event.occurredAt)}`,
        );
      }
    });

    it('takes the URL, the secret and the client from the environment too', async () => {
      const run = await host.run('check-critical-services.sh', ['nginx'], {
        SWITCHBOARD_URL: server.url,
        SWITCHBOARD_SECRET: 'whsec_env',
        SWITCHBOARD_CLIENT: 'Env Client',
      });
      expect(run.code).toBe(0);
      expect(server.requests[0]?.headers['x-switchboard-token']).toBe('whsec_env');
      expect(events(server.requests[0])[0]?.client).toBe('Env Client');
    });

    it('leaves out what the device does not tell: no FQDN, no readable serial, no client', async () => {
      const bare = await FakeHost.create({ hostname: 'db-02', fqdn: '' });
      try {
        await bare.services({ nginx: 'active' });
        const run = await bare.run('check-critical-services.sh', [
          '--url',
          server.url,
          '--secret',
          'whsec_test',
          'nginx',
        ]);
        expect(run.code).toBe(0);
        const [event] = events(server.requests[0]);
        expect(event.device).toEqual({ hostname: 'db-02' });
        expect(event).not.toHaveProperty('client');
      } finally {
        await bare.remove();
      }
    });

    it('exits 3 when Switchboard refuses the post; the finding stays on stdout', async () => {
      server.status = 401;
      server.reply = '{"statusCode":401,"message":"missing or wrong webhook secret"}';
      const run = await host.run('check-critical-services.sh', [
        '--url',
        server.url,
        '--secret',
        'whsec_wrong',
        'nginx',
        'postgresql',
      ]);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('could not post to Switchboard: it answered HTTP 401');
      expect(run.stderr).toContain('missing or wrong webhook secret');
      expect(run.lines[0]).toBe('Not running: postgresql (failed)');
      expect(run.report).toMatchObject({ ok: false, posted: false, exitCode: 3 });
    });

    it('exits 3 when Switchboard cannot be reached', async () => {
      const run = await host.run('check-critical-services.sh', [
        '--url',
        `http://127.0.0.1:${await closedPort()}/webhooks/x`,
        '--secret',
        'whsec_test',
        'nginx',
      ]);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/could not post to Switchboard: curl failed \(exit 7\)/);
      expect(run.report).toMatchObject({ ok: true, posted: false, exitCode: 3 });
    });

    it('exits 3 with a clear message when curl is not installed', async () => {
      await host.restrictPath(BASE_PROGRAMS);
      const run = await host.run('check-critical-services.sh', [
        '--url',
        server.url,
        '--secret',
        'whsec_test',
        'nginx',
      ]);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('cannot post to Switchboard: curl is not installed');
      expect(run.report).toMatchObject({ posted: false, exitCode: 3 });
      expect(server.requests).toHaveLength(0);
    });

    it('keeps the secret off curl’s command line', () => {
      const text = readFileSync(join(SCRIPTS_DIR, 'linux/check-critical-services.sh'), 'utf8');
      const curl = text.slice(text.indexOf('code=$(curl'), text.indexOf('rc=$?'));
      expect(curl).toContain('--config "$work/config"');
      expect(curl).not.toContain('secret');
    });
  });
});

describe('scripts/linux/check-pending-reboot.sh', () => {
  let host: FakeHost;
  const booted = new Date('2026-12-04T02:04:00Z');
  beforeEach(async () => {
    host = await FakeHost.create({ serial: 'VMW-4242' });
    await host.bootedAt(booted);
  });
  afterEach(() => host.remove());

  it('exits 0 when nothing asks for a reboot, with the last boot from /proc/stat', async () => {
    const run = await host.run('check-pending-reboot.sh', []);
    expect(run.code).toBe(0);
    expect(run.lines).toEqual([
      'No reboot pending. Last boot: 2026-12-04T02:04:00Z.',
      '{"switchboard":"pending-reboot","version":1,"pending":false,"reasons":[],' +
        '"informational":[],"lastBootAt":"2026-12-04T02:04:00Z","exitCode":0}',
    ]);
  });

  it('exits 1 when /var/run/reboot-required exists; the packages are informational', async () => {
    await host.rebootRequired(['linux-image-6.1.0-18-amd64', 'libc6', 'libc6']);
    await host.needsRestarting(0);
    const run = await host.run('check-pending-reboot.sh', []);
    expect(run.code).toBe(1);
    expect(run.lines[0]).toBe(
      'Reboot pending: reboot-required: /var/run/reboot-required ' +
        '(informational: packages: libc6, linux-image-6.1.0-18-amd64). Last boot: 2026-12-04T02:04:00Z.',
    );
    expect(run.report).toEqual({
      switchboard: 'pending-reboot',
      version: 1,
      pending: true,
      reasons: ['reboot-required: /var/run/reboot-required'],
      informational: ['packages: libc6, linux-image-6.1.0-18-amd64'],
      lastBootAt: '2026-12-04T02:04:00Z',
      exitCode: 1,
    });
    // The flag file decides: needs-restarting is not asked.
    expect(await host.calls()).toEqual([]);
  });

  it('is pending without a package list too', async () => {
    await host.rebootRequired();
    const run = await host.run('check-pending-reboot.sh', []);
    expect(run.code).toBe(1);
    expect(run.report).toMatchObject({ pending: true, informational: [] });
  });

  it.each([
    [1, 1, true, ['needs-restarting -r: reboot required'], []],
    [0, 0, false, [], []],
    [2, 0, false, [], ['needs-restarting -r failed (exit 2)']],
  ])(
    'asks needs-restarting -r without the flag file: its exit %i gives %i',
    async (answer, code, pending, reasons, informational) => {
      await host.needsRestarting(answer);
      const run = await host.run('check-pending-reboot.sh', []);
      expect(run.code).toBe(code);
      expect(run.report).toMatchObject({ pending, reasons, informational, exitCode: code });
      expect(await host.calls()).toEqual(['needs-restarting -r']);
    },
  );

  it('exits 4 on an unexpected argument', async () => {
    const run = await host.run('check-pending-reboot.sh', ['now']);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('unexpected now');
  });

  describe('posting to Switchboard', () => {
    let server: CaptureServer;
    beforeEach(async () => {
      server = await CaptureServer.start();
    });
    afterEach(() => server.close());

    it('posts reboot.pending with the reasons and the last boot time', async () => {
      await host.rebootRequired(['libc6']);
      const run = await host.run('check-pending-reboot.sh', [
        '--url',
        server.url,
        '--secret',
        'whsec_test',
        '--client',
        'Acme Dental',
      ]);
      expect(run.code).toBe(1);
      expect(run.lines[1]).toBe('Switchboard: 202 {"accepted":1,"stored":1,"duplicates":0}');
      expect(run.report).toMatchObject({ pending: true, posted: true, exitCode: 1 });
      expect(server.requests[0]?.headers['x-switchboard-token']).toBe('whsec_test');
      const [event, ...more] = events(server.requests[0]);
      expect(more).toEqual([]);
      expect(event).toEqual({
        eventId: `web-01|check-pending-reboot|reboot.pending|${String(event.occurredAt)}`,
        kind: 'reboot.pending',
        occurredAt: expect.any(String),
        client: 'Acme Dental',
        device: { hostname: 'web-01', fqdn: 'web-01.acme.local', serial: 'VMW-4242' },
        check: { name: 'check-pending-reboot' },
        lastBootAt: '2026-12-04T02:04:00Z',
        message: 'reboot-required: /var/run/reboot-required (informational: packages: libc6)',
      });
      expectRecent(event.occurredAt);
    });

    it('posts reboot.clear when nothing is pending', async () => {
      const run = await host.run('check-pending-reboot.sh', [
        '--url',
        server.url,
        '--secret',
        'whsec_test',
      ]);
      expect(run.code).toBe(0);
      const [event] = events(server.requests[0]);
      expect(event).toMatchObject({ kind: 'reboot.clear', message: 'No reboot pending' });
      expect(event).not.toHaveProperty('origin');
    });

    it('exits 3 when the post fails, even with a reboot pending', async () => {
      await host.rebootRequired();
      server.status = 400;
      server.reply = '{"message":"[0].kind: must be one of ..."}';
      const run = await host.run('check-pending-reboot.sh', [
        '--url',
        server.url,
        '--secret',
        'whsec_test',
      ]);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('it answered HTTP 400');
      expect(run.report).toMatchObject({ pending: true, posted: false, exitCode: 3 });
    });
  });
});

describe('the two bash scripts', () => {
  const read = (name: string) => readFileSync(join(SCRIPTS_DIR, 'linux', name), 'utf8');
  const functionText = (text: string, name: string) => {
    const start = text.indexOf(`\n${name}() {`);
    if (start < 0) throw new Error(`no function ${name}`);
    return text.slice(start, text.indexOf('\n}\n', start) + 3);
  };

  it('share their helpers word for word (each is pasted into an RMM alone)', () => {
    const services = read('check-critical-services.sh');
    const reboot = read('check-pending-reboot.sh');
    for (const name of [
      'json_string',
      'join_by',
      'utc_now',
      'device_json',
      'short_host',
      'post_events',
    ]) {
      expect(functionText(reboot, name)).toBe(functionText(services, name));
    }
  });

  it.each(['check-critical-services.sh', 'check-pending-reboot.sh'])(
    '%s starts with a bash shebang and set -u',
    (name) => {
      const lines = read(name).split('\n');
      expect(lines[0]).toBe('#!/usr/bin/env bash');
      expect(lines).toContain('set -u');
    },
  );
});
