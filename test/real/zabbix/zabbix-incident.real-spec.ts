/**
 * Switchboard end to end with a real Zabbix 6.0: the shipped media-type script posts a trapper
 * problem to Switchboard's webhook, the incident opens (blamed on the patch and reboot a script
 * reported through the generic connector), its note lands on the problem through
 * event.acknowledge, and the recovery resolves the incident and notes the problem again.
 * Needs ZABBIX_URL (test/real/zabbix/setup.sh); the database is the postgres project's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../../support/app';
import { eventually, realZabbix, reloadConfigCache, ZabbixAdmin } from './zabbix-admin';
import {
  createApiToken,
  createServiceHost,
  dropObjects,
  notifyThroughMedia,
  SERVICE_ITEM_KEY,
  type ZabbixObjects,
} from './zabbix-objects';
import { sendUntilProcessed } from './zabbix-sender';

jest.setTimeout(120_000);

const { url, serverConf, trapper } = realZabbix();

const run = `sbi${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const client = `Acme Dental ${run}`;
const hostName = `${run}-sql01`;
const visibleName = `SQL 01 (${run})`;
const mediaDir = join(__dirname, '../../../connectors/zabbix/media-type');
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

interface Incident {
  id: string;
  title: string;
  state: string;
  cause: string;
  outbox: { action: string; status: string; lastError: string | null }[];
}

interface Acknowledged {
  acknowledges: { message: string }[];
}

/** A named step of a story: a failure says which step broke. */
async function step(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    (err as Error).message = `step "${name}": ${(err as Error).message}`;
    throw err;
  }
}

describe('Switchboard with a real Zabbix 6.0: problem → incident → note → recovery', () => {
  const admin = new ZabbixAdmin(url);
  const created: ZabbixObjects = {};
  let t: TestApp;
  let zabbixId = '';
  let problemId = '';

  /**
   * A media type of its own, made with mediatype.create from the shipped script and parameters
   * (the other real spec covers configuration.import of the same file), so the two specs can
   * run at once with different tokens.
   */
  async function createMediaType(token: string): Promise<void> {
    const exported = JSON.parse(readFileSync(join(mediaDir, 'switchboard.media-type.json'), 'utf8'))
      .zabbix_export.media_types[0] as { parameters: { name: string; value: string }[] };
    const { mediatypeids } = await admin.call<{ mediatypeids: string[] }>('mediatype.create', {
      type: 4,
      name: `Switchboard ${run}`,
      script: readFileSync(join(mediaDir, 'switchboard.media.js'), 'utf8'),
      timeout: '10s',
      parameters: exported.parameters.map((p) => (p.name === 'token' ? { ...p, value: token } : p)),
      message_templates: [
        { eventsource: 0, recovery: 0, subject: 'Problem: {EVENT.NAME}', message: '{EVENT.NAME}' },
        { eventsource: 0, recovery: 1, subject: 'Resolved: {EVENT.NAME}', message: '{EVENT.NAME}' },
        { eventsource: 0, recovery: 2, subject: 'Updated: {EVENT.NAME}', message: '{EVENT.NAME}' },
      ],
    });
    created.mediatypeid = mediatypeids[0];
  }

  const acknowledgements = async (): Promise<string[]> => {
    const [problem] = await admin.call<Acknowledged[]>('event.get', {
      eventids: [problemId],
      output: ['eventid'],
      select_acknowledges: 'extend',
    });
    return problem.acknowledges.map((a) => a.message).reverse();
  };

  const incident = async (): Promise<Incident | undefined> => {
    const list = await t.api<{ items: { id: string; title: string }[] }>(
      'GET',
      '/api/v1/incidents',
    );
    // Named after the host's visible name, "SQL 01 (<run>)".
    const found = list.body.items.find((i) => i.title.startsWith(visibleName));
    return found ? (await t.api<Incident>('GET', `/api/v1/incidents/${found.id}`)).body : undefined;
  };

  beforeAll(async () => {
    if (!url) throw new Error('ZABBIX_URL is not set: run test/real/zabbix/setup.sh first');
    t = await startTestApp();
    await admin.login('Admin', 'zabbix');
    const apiToken = await createApiToken(admin, created, `switchboard-${run}`);
    await createServiceHost(admin, created, {
      group: `Customers/${client}`,
      host: hostName,
      visible: visibleName,
    });

    const zabbix = await t.api<{ id: string; webhook: { secret: string } }>(
      'POST',
      '/api/v1/connectors',
      {
        kind: 'zabbix',
        name: 'Zabbix (real)',
        settings: { url, apiToken, clientGroupPattern: '^Customers/(?<client>.+)$' },
        pollIntervalSeconds: 3600,
      },
    );
    expect(zabbix.status).toBe(201);
    zabbixId = zabbix.body.id;
    await createMediaType(zabbix.body.webhook.secret);
    await notifyThroughMedia(admin, created, {
      run,
      sendTo: `${t.baseUrl}/webhooks/${zabbixId}`,
    });

    // What a patch script on the server reports through the generic connector.
    const generic = await t.api<{ id: string; webhook: { secret: string } }>(
      'POST',
      '/api/v1/connectors',
      { kind: 'generic', name: 'patch script' },
    );
    const device = { hostname: hostName };
    const events = [
      {
        eventId: `${run}-p`,
        kind: 'patch.installed',
        occurredAt: ago(30),
        client,
        device,
        patch: { id: 'KB5034441', title: '2024-01 Security Update (WinRE)' },
      },
      { eventId: `${run}-r`, kind: 'device.rebooted', occurredAt: ago(27), client, device },
    ];
    const posted = await t.post(`/webhooks/${generic.body.id}`, JSON.stringify(events), {
      'x-switchboard-token': generic.body.webhook.secret,
    });
    expect(posted.status).toBe(202);

    await reloadConfigCache(serverConf);
    // A reload asked for while another runs is dropped: wait out one CacheUpdateFrequency too.
    await new Promise((resolve) => setTimeout(resolve, 6000));
  });

  afterAll(async () => {
    await dropObjects(admin, created);
    await admin.logout().catch(() => undefined);
    await t?.close();
  });

  it('takes a real Zabbix problem from the media type to an incident, a note and the recovery', async () => {
    // One story, in order: each step starts from where the one before left it.
    await step(
      'opens the incident from the problem the media type posted, blamed on the patch reboot',
      async () => {
        await sendUntilProcessed(trapper, { host: hostName, key: SERVICE_ITEM_KEY, value: 0 });
        const opened = await eventually('the incident', async () => {
          const found = await incident();
          return found?.state === 'open' ? found : undefined;
        });
        expect(opened).toMatchObject({ cause: 'post-patch-reboot' });
        expect(opened.title).toContain('MSSQLSERVER');
        const [link] = (await t.db.dataSource.query(
          `SELECT problem_id FROM alert_link WHERE incident_id = $1`,
          [opened.id],
        )) as { problem_id: string }[];
        problemId = link.problem_id;
        expect(problemId).toMatch(/^\d+$/);
      },
    );
    await step('writes its note onto the Zabbix problem with event.acknowledge', async () => {
      const [note] = await eventually('the note on the problem', async () => {
        const messages = await acknowledgements();
        return messages.length > 0 ? messages : undefined;
      });
      // Zabbix alone saw the service down (no post-patch check ran here), and the note says so,
      // then where to roll the patch back.
      const opened = (await incident())!;
      const sentence = `${visibleName} is Degraded. Trigger: Post-Patch Reboot (KB5034441). Verification: not verified yet; monitoring reports 'MSSQLSERVER' down.`;
      expect(note.startsWith(`${sentence} Rollback: http`)).toBe(true);
      // The last line is the delivery marker that lets a retry find the note it already wrote.
      const [text, marker] = note.split('\n');
      expect(text.endsWith(`/console/incidents/${opened.id}/rollback`)).toBe(true);
      expect(marker).toMatch(/^\[SB-[0-9A-F]{12}\]$/);
    });
    await step('resolves the incident on recovery and notes the problem again', async () => {
      await sendUntilProcessed(trapper, { host: hostName, key: SERVICE_ITEM_KEY, value: 1 });
      const resolved = await eventually('the resolved incident', async () => {
        const found = await incident();
        return found?.state === 'resolved' ? found : undefined;
      });
      expect(resolved.outbox.filter((o) => o.action === 'pushAlertNote')).toEqual([
        expect.objectContaining({ status: 'delivered' }),
        expect.objectContaining({ status: 'delivered' }),
      ]);
      const messages = await eventually('the recovery note', async () => {
        const all = await acknowledgements();
        return all.length > 1 ? all : undefined;
      });
      expect(messages[1]).toContain('recovered');
      expect(messages[1].split('\n').at(-1)).not.toBe(messages[0].split('\n').at(-1));
    });
  }, 120_000);
});
