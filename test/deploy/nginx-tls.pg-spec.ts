import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { eventually } from '../support/app';
import { freshDatabase, type TestDatabase } from '../support/database';
import { freePort, ROOT, startService, stopService, type RunningService } from '../support/process';

const ADMIN = 'nginx-tls-admin-token-0123456789';

/** Replaces `from` in the shipped configuration, failing loudly when the file changed shape. */
function swap(text: string, from: string, to: string, times = 1): string {
  const found = text.split(from).length - 1;
  if (found !== times)
    throw new Error(`expected ${times}× "${from}" in the nginx config, found ${found}`);
  return text.split(from).join(to);
}

/** An HTTPS call that trusts only the throw-away certificate. */
function https(
  url: string,
  ca: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        ca,
        // Its own connection: a global agent another spec in this worker changed stays out of it.
        agent: false,
        timeout: 5_000,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.end(options.body);
  });
}

/**
 * deploy/nginx/switchboard.conf, as shipped, in front of the service with a throw-away
 * certificate: a vendor's webhook arrives over a real TLS handshake, the URL the API hands out
 * is the public HTTPS one, plain HTTP is redirected, and query strings stay out of the log.
 */
describe('TLS in front with the shipped nginx configuration', () => {
  let database: TestDatabase;
  let service: RunningService;
  let nginx: ChildProcess;
  let dir: string;
  let ca: string;
  let httpsPort: number;
  let httpPort: number;
  let nginxOutput = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-nginx-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
    httpsPort = await freePort();
    httpPort = await freePort();
    database = await freshDatabase();
    service = await startService({
      ...database.env,
      SWITCHBOARD_BOOTSTRAP_TOKEN: ADMIN,
      SWITCHBOARD_PUBLIC_URL: `https://127.0.0.1:${httpsPort}`,
    });
    const servicePort = new URL(service.url).port;

    let site = readFileSync(join(ROOT, 'deploy/nginx/switchboard.conf'), 'utf8');
    site = swap(site, 'server 127.0.0.1:3000;', `server 127.0.0.1:${servicePort};`);
    site = swap(site, '    listen [::]:80;\n', '');
    site = swap(site, '    listen [::]:443 ssl http2;\n', '');
    site = swap(site, 'listen 80;', `listen 127.0.0.1:${httpPort};`);
    site = swap(site, 'listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`);
    site = swap(site, 'server_name switchboard.example.net;', 'server_name localhost;', 2);
    site = swap(
      site,
      '/etc/letsencrypt/live/switchboard.example.net/fullchain.pem',
      join(dir, 'cert.pem'),
    );
    site = swap(
      site,
      '/etc/letsencrypt/live/switchboard.example.net/privkey.pem',
      join(dir, 'key.pem'),
    );
    site = swap(site, '/var/log/nginx/switchboard.access.log', join(dir, 'access.log'));
    writeFileSync(join(dir, 'site.conf'), site);
    // The surroundings Debian's /etc/nginx/nginx.conf gives the site, in a private prefix.
    writeFileSync(
      join(dir, 'nginx.conf'),
      [
        process.getuid?.() === 0 ? 'user root;' : '',
        `pid ${join(dir, 'nginx.pid')};`,
        `error_log ${join(dir, 'error.log')} warn;`,
        'events { worker_connections 64; }',
        'http {',
        `  client_body_temp_path ${join(dir, 'body')};`,
        `  proxy_temp_path ${join(dir, 'proxy')};`,
        `  fastcgi_temp_path ${join(dir, 'fastcgi')};`,
        `  uwsgi_temp_path ${join(dir, 'uwsgi')};`,
        `  scgi_temp_path ${join(dir, 'scgi')};`,
        `  access_log off;`,
        `  include ${join(dir, 'site.conf')};`,
        '}',
      ].join('\n'),
    );
    const binary = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => {
      try {
        execFileSync(p, ['-v'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    });
    if (!binary)
      throw new Error("nginx is not installed: apt-get install nginx-light (CI's .ci/run does)");
    nginx = spawn(binary, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    nginx.stdout?.on('data', (d: Buffer) => (nginxOutput += d.toString()));
    nginx.stderr?.on('data', (d: Buffer) => (nginxOutput += d.toString()));
    // Up when /health answers through it; on a timeout, say what nginx and the client saw.
    let last = 'no attempt';
    try {
      await eventually(
        async () => {
          if (nginx.exitCode !== null) throw new Error(`nginx exited: ${nginxOutput}`);
          return https(`https://127.0.0.1:${httpsPort}/health`, ca).then(
            (r) => {
              last = `HTTP ${r.status} ${r.body.slice(0, 200)}`;
              return r.status === 200;
            },
            (err: Error) => {
              last = err.message;
              return false;
            },
          );
        },
        30_000,
        100,
      );
    } catch (err) {
      let log = '';
      try {
        log = readFileSync(join(dir, 'error.log'), 'utf8').slice(-2000);
      } catch {
        log = '(no error.log)';
      }
      throw new Error(`${(err as Error).message}; last: ${last}; nginx: ${nginxOutput} ${log}`);
    }
  });
  afterAll(async () => {
    nginx?.kill('SIGTERM');
    if (service) await stopService(service);
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes a webhook over HTTPS at the public URL the API hands out', async () => {
    const created = await https(`https://127.0.0.1:${httpsPort}/api/v1/connectors`, ca, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'generic', name: 'behind nginx' }),
    });
    expect(created.status).toBe(201);
    const instance = JSON.parse(created.body) as {
      id: string;
      webhook: { url: string; secret: string };
    };
    expect(instance.webhook.url).toBe(`https://127.0.0.1:${httpsPort}/webhooks/${instance.id}`);

    const sent = await https(`${instance.webhook.url}?probe=query-secret-123`, ca, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-switchboard-token': instance.webhook.secret,
      },
      body: JSON.stringify({
        eventId: 'through-nginx-1',
        kind: 'device.down',
        occurredAt: new Date().toISOString(),
        client: 'Acme Dental',
        device: { hostname: 'SRV-TLS' },
      }),
    });
    expect(sent.status).toBe(202);
    const db = new Client({ connectionString: database.env.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT dedupe_key FROM inbox_event WHERE instance_id = $1`, [
        instance.id,
      ]);
      expect(rows).toHaveLength(1);
    } finally {
      await db.end();
    }
    const log = readFileSync(join(dir, 'access.log'), 'utf8');
    expect(log).toContain(`"POST /webhooks/${instance.id}" 202`);
    expect(log).not.toContain('query-secret-123');
  });

  it('refuses bodies over the 1 MB webhook limit at the edge and redirects plain HTTP', async () => {
    const big = await https(
      `https://127.0.0.1:${httpsPort}/webhooks/00000000-0000-0000-0000-000000000000`,
      ca,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pad: 'x'.repeat(1_100_000) }),
      },
    );
    expect(big.status).toBe(413);
    const plain = await fetch(`http://127.0.0.1:${httpPort}/webhooks/x`, { redirect: 'manual' });
    expect(plain.status).toBe(301);
    expect(plain.headers.get('location')).toBe(`https://localhost/webhooks/x`);
  });
});
