import { SchedulerRegistry } from '@nestjs/schedule';
import type { DeviceSeen } from '../../connectors/contract/canonical';
import { ComplianceSnapshotJob } from '../../src/compliance/compliance-snapshot.job';
import { InventoryRecorder } from '../../src/inventory/inventory-recorder.service';
import { eventually, startTestApp, type TestApp } from '../support/app';

/**
 * Patch compliance end to end: events go in through the generic webhook, answers come out of
 * /api/v1/compliance. Each client holds one story (the risk matrix, servers, late events, rule
 * overrides, paging), so a case reads its own devices; the cases that change a client's rule
 * put it back before they end.
 */

const DAY = 86_400_000;
const ago = (days: number, hours = 0) =>
  new Date(Date.now() - days * DAY - hours * 3_600_000).toISOString();

const ALPHA = 'Alpha Dental';
const BRAVO = 'Bravo Servers';
const CHARLIE = 'Charlie Late';
const DELTA = 'Delta Rules';
const ECHO = 'Echo Control';
const FOXTROT = 'Foxtrot Paging';
const GOLF = 'Golf Live';

const PREVIEW_TITLE = '2024-01 Cumulative Update Preview for Windows 11 Version 23H2 (KB5000401)';

interface RiskCounts {
  critical: number;
  high: number;
  medium: number;
  low: number;
  compliant: number;
}

interface ClientItem {
  clientId: string;
  name: string;
  risk: string;
  devices: number;
  compliantPercent: number;
  byRisk: RiskCounts;
  byStatus: { missing: number; failed: number; rebootPending: number };
  missingPatches: number;
}

interface ClientList {
  total: number;
  limit: number;
  offset: number;
  totals: { devices: number; byRisk: RiskCounts };
  items: ClientItem[];
}

interface Settings {
  criticalDays: number;
  rebootDays: number;
  serversFirst: boolean;
  excludeTitles: string[];
  excludeCategories: string[];
}

interface EffectiveRule {
  source: string;
  settings: Settings;
  builtInExcludedTitles: string[];
}

interface DeviceItem {
  deviceId: string;
  clientId: string;
  name: string;
  os: string | null;
  role: string | null;
  server: boolean;
  risk: string;
  statuses: string[];
  missing: {
    total: number;
    critical: number;
    important: number;
    oldestSince: string | null;
    oldestCriticalSince: string | null;
  };
  failed: number;
  rebootPending: { since: string | null } | null;
  lastInstalledAt: string | null;
}

interface DeviceList {
  client: { id: string; name: string };
  rule: EffectiveRule;
  total: number;
  limit: number;
  offset: number;
  items: DeviceItem[];
}

interface PatchRow {
  patchId: string;
  title: string | null;
  severity: string | null;
  category: string | null;
  status: string;
  since: string;
  ageDays: number;
  excluded: string | null;
}

interface DeviceDetail extends DeviceItem {
  rule: EffectiveRule;
  patches: PatchRow[];
}

interface TrendPoint {
  day: string;
  devices: number;
  compliantPercent: number;
  byRisk: RiskCounts;
}

interface Rules {
  builtInExcludedTitles: string[];
  default: Settings;
  clients: {
    clientId: string;
    name: string | null;
    override: Partial<Settings>;
    effective: Settings;
    updatedBy: string;
  }[];
}

/** A strict RFC 4180 reader (CRLF lines, quoted cells with doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (quoted || cell !== '' || row.length > 0) throw new Error('CSV does not end with CRLF');
  return rows;
}

const DEVICE_CSV_HEADER = [
  'client',
  'device',
  'risk',
  'status',
  'os',
  'role',
  'missing',
  'missing critical',
  'missing important',
  'oldest critical missing since',
  'failed',
  'reboot pending since',
  'last installed',
  'last seen',
  'blocked KBs',
  'open incidents',
  'device id',
];

describe('patch compliance: risk per device and client, rules, filters, CSV, trend', () => {
  let t: TestApp;
  let generic: { id: string; secret: string };
  let seq = 0;
  const ids: Record<string, string> = {};
  /** The occurredAt each seeded fact was sent with, to compare dates exactly. */
  const at: Record<string, string> = {};

  const patch = (
    kind: 'patch.pending' | 'patch.failed' | 'patch.installed',
    client: string,
    host: string,
    kb: string,
    occurredAt: string,
    extra: { severity?: string; category?: string; title?: string } = {},
    device: Record<string, string> = {},
  ) => ({
    eventId: `cmp-${++seq}`,
    kind,
    occurredAt,
    client,
    device: { hostname: host, ...device },
    patch: { id: kb, ...extra },
  });

  const deviceEvent = (
    kind: 'reboot.pending' | 'reboot.clear' | 'device.rebooted',
    client: string,
    host: string,
    occurredAt: string,
  ) => ({ eventId: `cmp-${++seq}`, kind, occurredAt, client, device: { hostname: host } });

  const settle = () =>
    eventually(async () => (await t.count(`inbox_event WHERE status = 'pending'`)) === 0);

  /** Through the real webhook, then until the normalizer has recorded every event. */
  async function send(events: object[]): Promise<void> {
    const res = await t.post(`/webhooks/${generic.id}`, JSON.stringify(events), {
      'x-switchboard-token': generic.secret,
    });
    expect(res.status).toBe(202);
    await settle();
    expect(await t.count(`inbox_event WHERE status = 'failed'`)).toBe(0);
  }

  /** What a polling RMM reports of a device (OS, role): the generic format carries neither. */
  async function reportDevice(client: string, host: string, facts: { os?: string; role?: string }) {
    const seen: DeviceSeen = {
      type: 'device',
      client: { name: client },
      device: { hostname: host },
      ...facts,
    };
    const recorder = t.app.get(InventoryRecorder);
    await t.db.dataSource.transaction((m) => recorder.record(m, generic.id, null, [seen]));
  }

  const get = async <T>(path: string, token?: string) => {
    const res = await t.api<T>('GET', path, undefined, token);
    expect([path, res.status]).toEqual([path, 200]);
    return res.body;
  };

  async function clientRow(name: string, token?: string): Promise<ClientItem> {
    const list = await get<ClientList>(`/api/v1/compliance?q=${encodeURIComponent(name)}`, token);
    const row = list.items.find((c) => c.name === name);
    if (!row) throw new Error(`no compliance row for ${name}`);
    return row;
  }

  const devices = (client: string, query = '', token?: string) =>
    get<DeviceList>(`/api/v1/compliance/clients/${ids[client]}?limit=1000&${query}`, token);

  /** Device name → risk for one client (optionally filtered). */
  async function risks(client: string, query = ''): Promise<Record<string, string>> {
    const list = await devices(client, query);
    return Object.fromEntries(list.items.map((d) => [d.name, d.risk]));
  }

  const dropOverrides = async () => {
    for (const client of [BRAVO, DELTA, ECHO])
      await t.api('DELETE', `/api/v1/compliance/rules/clients/${ids[client]}`);
  };

  const detail = (host: string, token?: string) =>
    get<DeviceDetail>(`/api/v1/compliance/devices/${ids[host]}`, token);

  beforeAll(async () => {
    t = await startTestApp({ workers: true });
    // The hourly snapshot check would take today's snapshot whenever the clock passes :07;
    // the trend case takes it itself.
    t.app.get(SchedulerRegistry).getCronJob('compliance-snapshot').stop();
    const created = await t.api<{ id: string; webhook: { secret: string } }>(
      'POST',
      '/api/v1/connectors',
      { kind: 'generic', name: 'rmm-scripts' },
    );
    expect(created.status).toBe(201);
    generic = { id: created.body.id, secret: created.body.webhook.secret };

    Object.assign(at, {
      failed: ago(1),
      critOld: ago(20),
      critOldDefinition: ago(25),
      critNew: ago(2),
      important: ago(30),
      rebootOld: ago(5),
      rebootNew: ago(1),
      clean: ago(3),
    });
    await send([
      // Alpha: one workstation per branch of the rule.
      patch('patch.failed', ALPHA, 'AL-FAILED', 'KB5000100', at.failed, { severity: 'low' }),
      patch('patch.pending', ALPHA, 'AL-CRITOLD', 'KB5000101', at.critOld, {
        severity: 'critical',
        title: '2024-01 Security Update for Windows 10',
      }),
      patch('patch.pending', ALPHA, 'AL-CRITOLD', 'KB2267610', at.critOldDefinition, {
        severity: 'critical',
        category: 'definition',
        title: 'Update for Microsoft Defender Antivirus antimalware platform',
      }),
      patch(
        'patch.pending',
        ALPHA,
        'AL-CRITNEW',
        'KB5000102',
        at.critNew,
        { severity: 'critical' },
        { ip: '10.77.0.12' },
      ),
      patch('patch.pending', ALPHA, 'AL-IMPORTANT', 'KB5000103', at.important, {
        severity: 'important',
      }),
      deviceEvent('reboot.pending', ALPHA, 'AL-REBOOTOLD', at.rebootOld),
      deviceEvent('reboot.pending', ALPHA, 'AL-REBOOTNEW', at.rebootNew),
      patch('patch.pending', ALPHA, 'AL-MODERATE', 'KB5000104', ago(40), { severity: 'moderate' }),
      patch('patch.pending', ALPHA, 'AL-MODERATE', 'KB5000108', ago(3), { severity: 'low' }),
      patch('patch.pending', ALPHA, 'AL-BOTH', 'KB5000107', ago(1), { severity: 'low' }),
      deviceEvent('reboot.pending', ALPHA, 'AL-BOTH', ago(0, 12)),
      patch('patch.installed', ALPHA, 'AL-CLEAN', 'KB5000105', at.clean, {
        severity: 'important',
      }),
      patch('patch.pending', ALPHA, 'AL-DEFINITION', 'KB2267602', ago(30), {
        severity: 'critical',
        category: 'definition',
      }),
      patch('patch.pending', ALPHA, 'AL-SIU', 'KB2267603', ago(30), {
        severity: 'critical',
        title:
          'Security Intelligence Update for Microsoft Defender Antivirus - KB2267603 (Version 1.403.1)',
      }),
      patch('patch.pending', ALPHA, 'AL-SUPERSEDED', 'KB5000106', ago(30), {
        severity: 'important',
        title: '2023-01 Cumulative Update for Windows 10 (superseded)',
      }),
      patch('patch.failed', ALPHA, 'AL-DEFUPD', 'KB915597', ago(2), {
        severity: 'important',
        title: 'Definition Update for Windows Defender - KB915597',
      }),
      // A reboot flag older than the device's last boot is stale; a clear ends it.
      deviceEvent('reboot.pending', ALPHA, 'AL-REBOOTED', ago(5)),
      deviceEvent('device.rebooted', ALPHA, 'AL-REBOOTED', ago(4)),
      deviceEvent('reboot.pending', ALPHA, 'AL-CLEARED', ago(6)),
      deviceEvent('reboot.clear', ALPHA, 'AL-CLEARED', ago(2)),

      // Bravo: servers one level higher.
      patch('patch.failed', BRAVO, 'BR-SQL', 'KB5000200', ago(1), { severity: 'important' }),
      deviceEvent('reboot.pending', BRAVO, 'BR-DC', ago(1)),
      patch('patch.installed', BRAVO, 'BR-FILE', 'KB5000201', ago(2)),
      patch('patch.pending', BRAVO, 'BR-PC', 'KB5000202', ago(2), { severity: 'critical' }),
      patch('patch.pending', BRAVO, 'BR-APP', 'KB5000203', ago(2), { severity: 'important' }),

      // Charlie: late and repeated reports, first batch.
      patch('patch.pending', CHARLIE, 'CH-CLEARS', 'KB5000300', ago(3), { severity: 'critical' }),
      patch('patch.failed', CHARLIE, 'CH-RETRY', 'KB5000301', ago(2), { severity: 'moderate' }),
      patch('patch.pending', CHARLIE, 'CH-AGE', 'KB5000302', ago(10), { severity: 'important' }),
      patch('patch.installed', CHARLIE, 'CH-LATEFAIL', 'KB5000303', ago(1)),

      // Delta and its control Echo: rule overrides.
      patch('patch.pending', DELTA, 'DE-CRITTEN', 'KB5000400', ago(10), { severity: 'critical' }),
      patch('patch.pending', DELTA, 'DE-PREVIEW', 'KB5000401', ago(2), {
        severity: 'important',
        title: PREVIEW_TITLE,
      }),
      patch('patch.pending', DELTA, 'DE-DRIVER', 'KB5000402', ago(5), {
        severity: 'moderate',
        category: 'driver',
      }),
      patch('patch.pending', DELTA, 'DE-DEFN', 'KB5000403', ago(30), {
        severity: 'critical',
        category: 'definition',
      }),
      patch('patch.pending', ECHO, 'EC-CRITTEN', 'KB5000400', ago(10), { severity: 'critical' }),
      patch('patch.pending', ECHO, 'EC-PREVIEW', 'KB5000401', ago(2), {
        severity: 'important',
        title: PREVIEW_TITLE,
      }),
      patch('patch.pending', ECHO, 'EC-DEFN', 'KB5000403', ago(30), {
        severity: 'critical',
        category: 'definition',
      }),
      deviceEvent('reboot.pending', ECHO, 'EC-REBOOT', ago(2)),

      // Golf: one compliant device, for the live case.
      patch('patch.installed', GOLF, 'GO-ONE', 'KB5000600', ago(1)),
    ]);

    // Foxtrot: enough devices to page; two names a spreadsheet must not misread.
    const fox: object[] = [];
    for (let i = 1; i <= 23; i++) {
      const host = `FX-${String(i).padStart(2, '0')}`;
      if (i % 3 === 0)
        fox.push(patch('patch.failed', FOXTROT, host, `KB51${i}`, ago(1), { severity: 'low' }));
      else if (i % 2 === 1)
        fox.push(
          patch('patch.pending', FOXTROT, host, `KB52${i}`, ago(i), { severity: 'moderate' }),
        );
      else fox.push(patch('patch.installed', FOXTROT, host, `KB53${i}`, ago(1)));
    }
    fox.push(
      patch('patch.pending', FOXTROT, 'FX-24 "lab, annex"', 'KB5200024', ago(3), {
        severity: 'low',
      }),
      patch('patch.failed', FOXTROT, '=FX-25+1', 'KB5100025', ago(1), { severity: 'low' }),
    );
    await send(fox);

    await reportDevice(BRAVO, 'BR-SQL', { os: 'Windows Server 2022 Standard' });
    await reportDevice(BRAVO, 'BR-DC', { role: 'WINDOWS_SERVER' });
    await reportDevice(BRAVO, 'BR-FILE', { os: 'Windows Server 2019 Datacenter' });
    await reportDevice(BRAVO, 'BR-PC', { os: 'Windows 11 Pro', role: 'WINDOWS_WORKSTATION' });
    await reportDevice(BRAVO, 'BR-APP', { os: 'Windows Server 2016' });

    const all = await get<ClientList>('/api/v1/compliance?limit=1000');
    for (const c of all.items) ids[c.name] = c.clientId;
    for (const client of [ALPHA, BRAVO, CHARLIE, DELTA, ECHO, FOXTROT, GOLF])
      for (const d of (await devices(client)).items) ids[d.name] = d.deviceId;
  });
  afterAll(() => t.close());

  it('counts each client’s devices by risk and status, and totals them', async () => {
    const list = await get<ClientList>('/api/v1/compliance');
    expect(list.total).toBe(7);
    const alpha = list.items.find((c) => c.name === ALPHA);
    expect(alpha).toEqual({
      clientId: ids[ALPHA],
      name: ALPHA,
      risk: 'high',
      devices: 15,
      compliantPercent: 46, // 7 of 15, rounded down
      byRisk: { critical: 0, high: 2, medium: 3, low: 3, compliant: 7 },
      byStatus: { missing: 5, failed: 1, rebootPending: 3 },
      missingPatches: 6,
    });
    expect(list.items.find((c) => c.name === BRAVO)).toMatchObject({
      risk: 'critical',
      devices: 5,
      compliantPercent: 20,
      byRisk: { critical: 1, high: 1, medium: 2, low: 0, compliant: 1 },
      byStatus: { missing: 2, failed: 1, rebootPending: 1 },
      missingPatches: 2,
    });
    expect(list.items.find((c) => c.name === GOLF)).toMatchObject({
      risk: 'compliant',
      devices: 1,
      compliantPercent: 100,
      byRisk: { critical: 0, high: 0, medium: 0, low: 0, compliant: 1 },
    });
    expect(list.items.find((c) => c.name === FOXTROT)).toMatchObject({
      devices: 25,
      compliantPercent: 32,
      byRisk: { critical: 0, high: 8, medium: 0, low: 9, compliant: 8 },
      byStatus: { missing: 9, failed: 8, rebootPending: 0 },
    });
    // 15 + 5 + 4 + 4 + 4 + 25 + 1
    expect(list.totals.devices).toBe(58);
    const sum = (key: keyof RiskCounts) => list.items.reduce((n, c) => n + c.byRisk[key], 0);
    expect(list.totals.byRisk).toEqual({
      critical: sum('critical'),
      high: sum('high'),
      medium: sum('medium'),
      low: sum('low'),
      compliant: sum('compliant'),
    });
    expect(list.totals.byRisk.critical).toBe(1);
  });

  it('applies the risk rule to each workstation, leaving excluded and stale findings out', async () => {
    const list = await devices(ALPHA);
    expect(list.total).toBe(15);
    expect(
      Object.fromEntries(list.items.map((d) => [d.name, [d.risk, d.statuses.join(' ')]])),
    ).toEqual({
      'AL-FAILED': ['high', 'failed'],
      'AL-CRITOLD': ['high', 'missing'],
      'AL-CRITNEW': ['medium', 'missing'],
      'AL-IMPORTANT': ['medium', 'missing'],
      'AL-REBOOTOLD': ['medium', 'reboot-pending'],
      'AL-REBOOTNEW': ['low', 'reboot-pending'],
      'AL-MODERATE': ['low', 'missing'],
      'AL-BOTH': ['low', 'missing reboot-pending'],
      'AL-CLEAN': ['compliant', 'compliant'],
      'AL-DEFINITION': ['compliant', 'compliant'],
      'AL-SIU': ['compliant', 'compliant'],
      'AL-SUPERSEDED': ['compliant', 'compliant'],
      'AL-DEFUPD': ['compliant', 'compliant'],
      'AL-REBOOTED': ['compliant', 'compliant'],
      'AL-CLEARED': ['compliant', 'compliant'],
    });
    expect(list.rule).toEqual({
      source: 'built-in',
      settings: {
        criticalDays: 14,
        rebootDays: 3,
        serversFirst: true,
        excludeTitles: [],
        excludeCategories: ['definition'],
      },
      builtInExcludedTitles: ['Definition Update', 'Security Intelligence Update', 'Superseded'],
    });
    const byName = Object.fromEntries(list.items.map((d) => [d.name, d]));
    expect(byName['AL-CRITOLD'].missing).toEqual({
      total: 1,
      critical: 1,
      important: 0,
      oldestSince: at.critOld,
      // The older definition update is left out, so it does not date the device.
      oldestCriticalSince: at.critOld,
    });
    expect(byName['AL-IMPORTANT'].missing).toEqual({
      total: 1,
      critical: 0,
      important: 1,
      oldestSince: at.important,
      oldestCriticalSince: null,
    });
    expect(byName['AL-MODERATE'].missing.total).toBe(2);
    expect(byName['AL-FAILED'].failed).toBe(1);
    expect(byName['AL-DEFUPD'].failed).toBe(0);
    expect(byName['AL-REBOOTOLD'].rebootPending).toEqual({ since: at.rebootOld });
    expect(byName['AL-REBOOTED'].rebootPending).toBeNull();
    expect(byName['AL-CLEAN'].lastInstalledAt).toBe(at.clean);
    expect(byName['AL-CLEAN'].server).toBe(false);
  });

  it('puts a server (by OS or by role) one level higher, never a compliant one', async () => {
    const list = await devices(BRAVO);
    expect(
      Object.fromEntries(list.items.map((d) => [d.name, [d.risk, d.server, d.os, d.role]])),
    ).toEqual({
      'BR-SQL': ['critical', true, 'Windows Server 2022 Standard', null],
      'BR-APP': ['high', true, 'Windows Server 2016', null],
      'BR-DC': ['medium', true, null, 'WINDOWS_SERVER'],
      'BR-PC': ['medium', false, 'Windows 11 Pro', 'WINDOWS_WORKSTATION'],
      'BR-FILE': ['compliant', true, 'Windows Server 2019 Datacenter', null],
    });
  });

  it('lists a device’s missing and failed patches with age and why one does not count', async () => {
    const critOld = await detail('AL-CRITOLD');
    expect(critOld).toMatchObject({
      deviceId: ids['AL-CRITOLD'],
      risk: 'high',
      clientId: ids[ALPHA],
    });
    expect(critOld.rule.source).toBe('built-in');
    expect(critOld.patches).toEqual([
      {
        patchId: 'KB2267610',
        title: 'Update for Microsoft Defender Antivirus antimalware platform',
        severity: 'critical',
        category: 'definition',
        status: 'pending',
        since: at.critOldDefinition,
        ageDays: 25,
        excluded: 'category definition is excluded',
      },
      {
        patchId: 'KB5000101',
        title: '2024-01 Security Update for Windows 10',
        severity: 'critical',
        category: null,
        status: 'pending',
        since: at.critOld,
        ageDays: 20,
        excluded: null,
      },
    ]);
    expect((await detail('AL-FAILED')).patches).toEqual([
      {
        patchId: 'KB5000100',
        title: null,
        severity: 'low',
        category: null,
        status: 'failed',
        since: at.failed,
        ageDays: 1,
        excluded: null,
      },
    ]);
    // Most severe first.
    expect(
      (await detail('AL-MODERATE')).patches.map((p) => [p.patchId, p.severity, p.ageDays]),
    ).toEqual([
      ['KB5000104', 'moderate', 40],
      ['KB5000108', 'low', 3],
    ]);
    const excluded = async (host: string) =>
      (await detail(host)).patches.map((p) => [p.patchId, p.excluded]);
    expect(await excluded('AL-SIU')).toEqual([
      ['KB2267603', 'title contains "Security Intelligence Update"'],
    ]);
    expect(await excluded('AL-SUPERSEDED')).toEqual([['KB5000106', 'title contains "Superseded"']]);
    expect(await excluded('AL-DEFUPD')).toEqual([
      ['KB915597', 'title contains "Definition Update"'],
    ]);
    expect(await excluded('AL-DEFINITION')).toEqual([
      ['KB2267602', 'category definition is excluded'],
    ]);
    const clean = await detail('AL-CLEAN');
    expect([clean.risk, clean.patches]).toEqual(['compliant', []]);
    const reboot = await detail('AL-REBOOTOLD');
    expect([reboot.risk, reboot.rebootPending, reboot.patches]).toEqual([
      'medium',
      { since: at.rebootOld },
      [],
    ]);

    const unknown = await t.api(
      'GET',
      '/api/v1/compliance/devices/00000000-0000-4000-8000-000000000000',
    );
    expect(unknown.status).toBe(404);
    expect((await t.api('GET', '/api/v1/compliance/devices/not-a-uuid')).status).toBe(400);
  });

  it('filters, sorts and pages the clients', async () => {
    const names = async (query: string) =>
      (await get<ClientList>(`/api/v1/compliance?${query}`)).items.map((c) => c.name);
    const byName = [ALPHA, BRAVO, CHARLIE, DELTA, ECHO, FOXTROT, GOLF];
    expect(await names('sort=name')).toEqual(byName);
    expect(await names('sort=name&order=desc')).toEqual([...byName].reverse());
    // Riskiest first, then by name: Charlie's failed install makes it high for now.
    expect(await names('')).toEqual([BRAVO, ALPHA, CHARLIE, FOXTROT, DELTA, ECHO, GOLF]);
    expect(await names('sort=devices')).toEqual([
      FOXTROT,
      ALPHA,
      BRAVO,
      CHARLIE,
      DELTA,
      ECHO,
      GOLF,
    ]);
    // 20 %, then 25 % (by name), 32 %, 46 %, 100 %.
    expect(await names('sort=compliant&order=asc')).toEqual([
      BRAVO,
      CHARLIE,
      DELTA,
      ECHO,
      FOXTROT,
      ALPHA,
      GOLF,
    ]);
    expect(await names('risk=critical')).toEqual([BRAVO]);
    expect(await names('risk=medium&sort=name')).toEqual([DELTA, ECHO]);
    expect(await names('risk=compliant,critical&sort=name')).toEqual([BRAVO, GOLF]);
    expect(await names('q=ALPHA')).toEqual([ALPHA]);
    expect(await names('q=%25')).toEqual([]);

    const medium = await get<ClientList>('/api/v1/compliance?risk=medium');
    expect([medium.total, medium.totals.devices]).toEqual([2, 8]);

    const pages: string[] = [];
    for (const offset of [0, 3, 6]) {
      const page = await get<ClientList>(`/api/v1/compliance?sort=name&limit=3&offset=${offset}`);
      expect([page.total, page.limit, page.offset]).toEqual([7, 3, offset]);
      // The totals are over every client the filter selects, not the page.
      expect(page.totals.devices).toBe(58);
      pages.push(...page.items.map((c) => c.name));
    }
    expect(pages).toEqual(byName);

    for (const [query, field] of [
      ['risk=severe', 'risk'],
      ['sort=os', 'sort'],
      ['order=up', 'order'],
      ['limit=0', 'limit'],
      ['offset=-1', 'offset'],
      ['format=xml', 'format'],
    ]) {
      const res = await t.api('GET', `/api/v1/compliance?${query}`);
      expect([query, res.status]).toEqual([query, 400]);
      expect(String(res.body.message)).toMatch(new RegExp(`^${field}: `));
    }
  });

  it('filters, sorts and pages one client’s devices', async () => {
    const names = async (client: string, query: string) =>
      (await devices(client, query)).items.map((d) => d.name);
    expect(await names(ALPHA, 'risk=high')).toEqual(['AL-CRITOLD', 'AL-FAILED']);
    expect((await names(ALPHA, 'risk=medium,low')).sort()).toEqual([
      'AL-BOTH',
      'AL-CRITNEW',
      'AL-IMPORTANT',
      'AL-MODERATE',
      'AL-REBOOTNEW',
      'AL-REBOOTOLD',
    ]);
    expect(await names(ALPHA, 'status=failed')).toEqual(['AL-FAILED']);
    expect(await names(ALPHA, 'status=reboot-pending&sort=name')).toEqual([
      'AL-BOTH',
      'AL-REBOOTNEW',
      'AL-REBOOTOLD',
    ]);
    expect(await names(ALPHA, 'status=missing,failed&sort=name')).toEqual([
      'AL-BOTH',
      'AL-CRITNEW',
      'AL-CRITOLD',
      'AL-FAILED',
      'AL-IMPORTANT',
      'AL-MODERATE',
    ]);
    expect(await names(ALPHA, 'status=compliant&sort=name')).toEqual([
      'AL-CLEAN',
      'AL-CLEARED',
      'AL-DEFINITION',
      'AL-DEFUPD',
      'AL-REBOOTED',
      'AL-SIU',
      'AL-SUPERSEDED',
    ]);
    expect(await names(ALPHA, 'risk=low&status=reboot-pending&sort=name')).toEqual([
      'AL-BOTH',
      'AL-REBOOTNEW',
    ]);
    expect(await names(ALPHA, 'q=crit&sort=name')).toEqual(['AL-CRITNEW', 'AL-CRITOLD']);
    expect(await names(ALPHA, 'q=10.77.0.12')).toEqual(['AL-CRITNEW']);
    // LIKE wildcards are text, not patterns.
    expect(await names(ALPHA, 'q=_')).toEqual([]);
    expect(await names(ALPHA, 'q=AL%25CRIT')).toEqual([]);
    expect(await names(BRAVO, 'os=server&sort=name')).toEqual(['BR-APP', 'BR-FILE', 'BR-SQL']);
    expect(await names(BRAVO, 'os=WINDOWS 11')).toEqual(['BR-PC']);
    expect(await names(BRAVO, 'os=server&risk=critical,compliant&sort=name')).toEqual([
      'BR-FILE',
      'BR-SQL',
    ]);

    // Riskiest first, ties by name.
    expect(await names(ALPHA, '')).toEqual([
      'AL-CRITOLD',
      'AL-FAILED',
      'AL-CRITNEW',
      'AL-IMPORTANT',
      'AL-REBOOTOLD',
      'AL-BOTH',
      'AL-MODERATE',
      'AL-REBOOTNEW',
      'AL-CLEAN',
      'AL-CLEARED',
      'AL-DEFINITION',
      'AL-DEFUPD',
      'AL-REBOOTED',
      'AL-SIU',
      'AL-SUPERSEDED',
    ]);
    expect(await names(ALPHA, 'risk=high,medium&order=asc')).toEqual([
      'AL-CRITNEW',
      'AL-IMPORTANT',
      'AL-REBOOTOLD',
      'AL-CRITOLD',
      'AL-FAILED',
    ]);
    const alphaByName = await names(ALPHA, 'sort=name');
    expect(alphaByName).toHaveLength(15);
    expect(alphaByName.slice(0, 4)).toEqual(['AL-BOTH', 'AL-CLEAN', 'AL-CLEARED', 'AL-CRITNEW']);
    expect(await names(ALPHA, 'sort=name&order=desc')).toEqual([...alphaByName].reverse());
    // Ages: the longest missing critical first by default (descending); without one, last.
    expect((await names(ALPHA, 'sort=critical-age')).slice(0, 2)).toEqual([
      'AL-CRITOLD',
      'AL-CRITNEW',
    ]);
    expect((await names(ALPHA, 'sort=critical-age&order=asc')).slice(0, 2)).toEqual([
      'AL-CRITNEW',
      'AL-CRITOLD',
    ]);
    // Only a reboot still pending has an age: a cleared or stale flag sorts with the rest.
    expect((await names(ALPHA, 'sort=reboot')).slice(0, 3)).toEqual([
      'AL-REBOOTOLD',
      'AL-REBOOTNEW',
      'AL-BOTH',
    ]);
    expect((await names(ALPHA, 'sort=reboot&order=asc')).slice(0, 3)).toEqual([
      'AL-BOTH',
      'AL-REBOOTNEW',
      'AL-REBOOTOLD',
    ]);
    expect((await names(FOXTROT, 'sort=failed')).slice(0, 8)).toEqual(
      (await names(FOXTROT, 'status=failed&sort=name')).slice(0, 8),
    );
    expect((await names(FOXTROT, 'status=failed')).length).toBe(8);

    const pages: string[] = [];
    for (const offset of [0, 4, 8]) {
      const page = await get<DeviceList>(
        `/api/v1/compliance/clients/${ids[FOXTROT]}?status=missing&sort=name&limit=4&offset=${offset}`,
      );
      expect([page.total, page.limit, page.offset]).toEqual([9, 4, offset]);
      pages.push(...page.items.map((d) => d.name));
    }
    expect(pages).toHaveLength(9);
    expect(new Set(pages).size).toBe(9);
    expect(pages).toEqual(await names(FOXTROT, 'status=missing&sort=name'));

    for (const [query, field] of [
      ['risk=severe', 'risk'],
      ['status=rebooting', 'status'],
      ['sort=devices', 'sort'],
      ['order=sideways', 'order'],
      ['limit=1001', 'limit'],
      ['offset=x', 'offset'],
      [`q=${'x'.repeat(201)}`, 'q'],
      [`os=${'x'.repeat(201)}`, 'os'],
      ['format=pdf', 'format'],
    ]) {
      const res = await t.api('GET', `/api/v1/compliance/clients/${ids[ALPHA]}?${query}`);
      expect([field, res.status]).toEqual([field, 400]);
      expect(String(res.body.message)).toMatch(new RegExp(`^${field}: `));
    }
    const missing = await t.api(
      'GET',
      '/api/v1/compliance/clients/00000000-0000-4000-8000-000000000000',
    );
    expect(missing.status).toBe(404);
    expect((await t.api('GET', '/api/v1/compliance/clients/acme')).status).toBe(400);
  });

  it('exports as CSV exactly the devices the filter selects, every page, in the same order', async () => {
    const filter = 'risk=high,low&sort=name';
    const pages: DeviceItem[] = [];
    for (let offset = 0; ; offset += 5) {
      const page = await get<DeviceList>(
        `/api/v1/compliance/clients/${ids[FOXTROT]}?${filter}&limit=5&offset=${offset}`,
      );
      pages.push(...page.items);
      if (offset + 5 >= page.total) break;
    }
    expect(pages).toHaveLength(17);

    const byFormat = await t.api(
      'GET',
      `/api/v1/compliance/clients/${ids[FOXTROT]}?${filter}&limit=5&format=csv`,
    );
    expect(byFormat.status).toBe(200);
    expect(byFormat.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(byFormat.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.csv"$/);
    const viaAccept = await fetch(
      `${t.baseUrl}/api/v1/compliance/clients/${ids[FOXTROT]}?${filter}&limit=5`,
      { headers: { authorization: `Bearer ${t.adminToken}`, accept: 'text/csv' } },
    );
    expect(viaAccept.status).toBe(200);
    expect(viaAccept.headers.get('content-type')).toMatch(/^text\/csv/);
    const acceptText = await viaAccept.text();

    const text = String(byFormat.body.text);
    expect(acceptText).toBe(text);
    expect(text.split('\r\n')[0]).toBe(DEVICE_CSV_HEADER.join(','));
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(DEVICE_CSV_HEADER);
    expect(rows.map((r) => r[16])).toEqual(pages.map((d) => d.deviceId));
    expect(rows.every((r) => r.length === DEVICE_CSV_HEADER.length)).toBe(true);

    const row = (name: string) => rows.find((r) => r[16] === ids[name])!;
    expect(row('FX-03').slice(0, 12)).toEqual([
      FOXTROT,
      'FX-03',
      'high',
      'failed',
      '',
      '',
      '0',
      '0',
      '0',
      '',
      '1',
      '',
    ]);
    // A name a spreadsheet would run is written as text; commas and quotes survive.
    expect(row('=FX-25+1')[1]).toBe("'=FX-25+1");
    expect(row('FX-24 "lab, annex"').slice(1, 4)).toEqual(['FX-24 "lab, annex"', 'low', 'missing']);
    expect(text).toContain('"FX-24 ""lab, annex"""');

    // The same filter as JSON says the same rows.
    const none = await t.api(
      'GET',
      `/api/v1/compliance/clients/${ids[FOXTROT]}?risk=critical&format=csv`,
    );
    expect(parseCsv(String(none.body.text))).toEqual([DEVICE_CSV_HEADER]);
    const json = await fetch(`${t.baseUrl}/api/v1/compliance/clients/${ids[FOXTROT]}?format=json`, {
      headers: { authorization: `Bearer ${t.adminToken}`, accept: 'text/csv' },
    });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);

    const reboot = parseCsv(
      String(
        (await t.api('GET', `/api/v1/compliance/clients/${ids[ALPHA]}?q=AL-REBOOTOLD&format=csv`))
          .body.text,
      ),
    );
    expect(reboot[1].slice(1, 4)).toEqual(['AL-REBOOTOLD', 'medium', 'reboot-pending']);
    expect(reboot[1][11]).toBe(at.rebootOld);
  });

  it('exports the clients as CSV, every page, with the counts of the page', async () => {
    const pages: ClientItem[] = [];
    for (const offset of [0, 2, 4, 6])
      pages.push(
        ...(await get<ClientList>(`/api/v1/compliance?sort=name&limit=2&offset=${offset}`)).items,
      );
    const res = await t.api('GET', '/api/v1/compliance?sort=name&limit=2&format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...rows] = parseCsv(String(res.body.text));
    expect(header).toEqual([
      'client',
      'risk',
      'devices',
      'compliant %',
      'critical',
      'high',
      'medium',
      'low',
      'compliant',
      'devices missing patches',
      'devices with failed installs',
      'devices pending reboot',
      'missing patches',
      'client id',
    ]);
    expect(rows.map((r) => r[13])).toEqual(pages.map((c) => c.clientId));
    expect(rows).toHaveLength(7);
    expect(rows.find((r) => r[0] === ALPHA)).toEqual([
      ALPHA,
      'high',
      '15',
      '46',
      '0',
      '2',
      '3',
      '3',
      '7',
      '5',
      '1',
      '3',
      '6',
      ids[ALPHA],
    ]);
    const filtered = await fetch(`${t.baseUrl}/api/v1/compliance?risk=medium`, {
      headers: { authorization: `Bearer ${t.adminToken}`, accept: 'text/csv' },
    });
    const medium = parseCsv(await filtered.text());
    expect(
      medium
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual([DELTA, ECHO]);
  });

  it('shows a client-scoped token its own client only', async () => {
    const scoped = await t.token('viewer', ids[ALPHA]);
    const list = await get<ClientList>('/api/v1/compliance', scoped);
    expect(list.items.map((c) => c.name)).toEqual([ALPHA]);
    expect([list.total, list.totals.devices]).toEqual([1, 15]);
    expect(list.totals.byRisk).toEqual({ critical: 0, high: 2, medium: 3, low: 3, compliant: 7 });
    expect((await devices(ALPHA, '', scoped)).total).toBe(15);
    expect((await detail('AL-FAILED', scoped)).risk).toBe('high');

    const other = (path: string) => t.api('GET', path, undefined, scoped);
    expect((await other(`/api/v1/compliance/clients/${ids[BRAVO]}`)).status).toBe(404);
    expect((await other(`/api/v1/compliance/clients/${ids[BRAVO]}?format=csv`)).status).toBe(404);
    expect((await other(`/api/v1/compliance/devices/${ids['BR-SQL']}`)).status).toBe(404);
    expect((await other(`/api/v1/compliance/rules/clients/${ids[BRAVO]}`)).status).toBe(404);
    expect((await other(`/api/v1/compliance/trend?clientId=${ids[BRAVO]}`)).status).toBe(404);
    expect((await other(`/api/v1/compliance?q=Bravo`)).body).toMatchObject({ total: 0, items: [] });

    const csv = await other('/api/v1/compliance?format=csv');
    expect(parseCsv(String(csv.body.text)).map((r) => r[0])).toEqual(['client', ALPHA]);

    const scopedAdmin = await t.token('admin', ids[ALPHA]);
    const put = await t.api(
      'PUT',
      `/api/v1/compliance/rules/clients/${ids[ALPHA]}`,
      { criticalDays: 1 },
      scopedAdmin,
    );
    expect(put.status).toBe(403);
    expect((await t.api('PUT', '/api/v1/compliance/rules', {}, scopedAdmin)).status).toBe(403);
  });

  it('lets a later install clear a missing or failed patch; an older, late report changes nothing', async () => {
    expect(await risks(CHARLIE)).toEqual({
      'CH-CLEARS': 'medium',
      'CH-RETRY': 'high',
      'CH-AGE': 'medium',
      'CH-LATEFAIL': 'compliant',
    });
    const installedAt = ago(0, 1);
    const firstSeen = (await detail('CH-AGE')).patches[0].since;
    await send([
      patch('patch.installed', CHARLIE, 'CH-CLEARS', 'KB5000300', ago(1)),
      // The same KB in another case.
      patch('patch.installed', CHARLIE, 'CH-RETRY', 'kb5000301', installedAt),
      // Reported missing again: it has been missing since the first report.
      patch('patch.pending', CHARLIE, 'CH-AGE', 'KB5000302', ago(1), { severity: 'important' }),
    ]);
    expect(await risks(CHARLIE)).toEqual({
      'CH-CLEARS': 'compliant',
      'CH-RETRY': 'compliant',
      'CH-AGE': 'medium',
      'CH-LATEFAIL': 'compliant',
    });
    const retry = await detail('CH-RETRY');
    expect([retry.failed, retry.statuses, retry.patches, retry.lastInstalledAt]).toEqual([
      0,
      ['compliant'],
      [],
      installedAt,
    ]);
    const age = await detail('CH-AGE');
    expect(age.patches.map((p) => [p.patchId, p.since, p.ageDays])).toEqual([
      ['KB5000302', firstSeen, 10],
    ]);

    // Delivered late: older than what is known of each patch.
    await send([
      patch('patch.pending', CHARLIE, 'CH-CLEARS', 'KB5000300', ago(2), { severity: 'critical' }),
      patch('patch.failed', CHARLIE, 'CH-LATEFAIL', 'KB5000303', ago(4)),
      patch('patch.failed', CHARLIE, 'CH-RETRY', 'KB5000301', ago(0, 2)),
    ]);
    expect(await risks(CHARLIE)).toEqual({
      'CH-CLEARS': 'compliant',
      'CH-RETRY': 'compliant',
      'CH-AGE': 'medium',
      'CH-LATEFAIL': 'compliant',
    });
    expect((await detail('CH-LATEFAIL')).patches).toEqual([]);
    expect(await clientRow(CHARLIE)).toMatchObject({
      risk: 'medium',
      compliantPercent: 75,
      byRisk: { critical: 0, high: 0, medium: 1, low: 0, compliant: 3 },
      byStatus: { missing: 1, failed: 0, rebootPending: 0 },
    });
  });

  it('moves the counts when a new event arrives', async () => {
    expect(await clientRow(GOLF)).toMatchObject({ risk: 'compliant', compliantPercent: 100 });
    const res = await t.post(
      `/webhooks/${generic.id}`,
      JSON.stringify(
        patch('patch.failed', GOLF, 'GO-ONE', 'KB5000601', ago(0, 1), { severity: 'important' }),
      ),
      { 'x-switchboard-token': generic.secret },
    );
    expect(res.status).toBe(202);
    const row = await eventually(async () => {
      const golf = await clientRow(GOLF);
      return golf.byRisk.high === 1 ? golf : null;
    });
    expect(row).toMatchObject({
      risk: 'high',
      devices: 1,
      compliantPercent: 0,
      byRisk: { critical: 0, high: 1, medium: 0, low: 0, compliant: 0 },
      byStatus: { missing: 0, failed: 1, rebootPending: 0 },
    });
    const second = await t.post(
      `/webhooks/${generic.id}`,
      JSON.stringify(deviceEvent('reboot.pending', GOLF, 'GO-ONE', ago(0, 1))),
      { 'x-switchboard-token': generic.secret },
    );
    expect(second.status).toBe(202);
    const rebooting = await eventually(async () => {
      const golf = await clientRow(GOLF);
      return golf.byStatus.rebootPending === 1 ? golf : null;
    });
    expect(rebooting.byRisk.high).toBe(1);
    expect((await detail('GO-ONE')).statuses).toEqual(['failed', 'reboot-pending']);
  });

  it('overrides the rule for one client only, at once, until the override is dropped', async () => {
    try {
      const ruleOf = (client: string) =>
        get<EffectiveRule>(`/api/v1/compliance/rules/clients/${ids[client]}`);
      expect((await ruleOf(DELTA)).source).toBe('built-in');

      const put = await t.api<EffectiveRule>(
        'PUT',
        `/api/v1/compliance/rules/clients/${ids[DELTA]}`,
        { criticalDays: 7 },
      );
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({
        source: 'client',
        settings: { criticalDays: 7, rebootDays: 3, serversFirst: true },
      });
      expect((await risks(DELTA))['DE-CRITTEN']).toBe('high');
      expect((await risks(ECHO))['EC-CRITTEN']).toBe('medium');
      expect((await devices(DELTA)).rule.source).toBe('client');
      expect((await devices(ECHO)).rule.source).toBe('built-in');
      const scoped = await t.token('viewer', ids[ECHO]);
      expect((await get<Rules>('/api/v1/compliance/rules', scoped)).clients).toEqual([]);
      const rules = await get<Rules>('/api/v1/compliance/rules');
      expect(rules.default.criticalDays).toBe(14);
      expect(rules.clients).toMatchObject([
        {
          clientId: ids[DELTA],
          name: DELTA,
          override: { criticalDays: 7 },
          effective: { criticalDays: 7, rebootDays: 3 },
          updatedBy: 'test-admin',
        },
      ]);

      // A new body replaces the override: criticalDays is back to the default.
      await t.api('PUT', `/api/v1/compliance/rules/clients/${ids[DELTA]}`, {
        excludeTitles: ['cumulative update preview'],
      });
      expect(await risks(DELTA)).toEqual({
        'DE-CRITTEN': 'medium',
        'DE-PREVIEW': 'compliant',
        'DE-DRIVER': 'low',
        'DE-DEFN': 'compliant',
      });
      expect((await risks(ECHO))['EC-PREVIEW']).toBe('medium');
      expect((await detail('DE-PREVIEW')).patches.map((p) => p.excluded)).toEqual([
        'title contains "cumulative update preview"',
      ]);

      // An empty category list counts definition updates; another list leaves drivers out.
      await t.api('PUT', `/api/v1/compliance/rules/clients/${ids[DELTA]}`, {
        excludeCategories: [],
      });
      expect((await risks(DELTA))['DE-DEFN']).toBe('high');
      expect((await detail('DE-DEFN')).patches.map((p) => p.excluded)).toEqual([null]);
      expect((await risks(ECHO))['EC-DEFN']).toBe('compliant');
      await t.api('PUT', `/api/v1/compliance/rules/clients/${ids[DELTA]}`, {
        excludeCategories: ['definition', 'driver'],
      });
      expect(await risks(DELTA)).toEqual({
        'DE-CRITTEN': 'medium',
        'DE-PREVIEW': 'medium',
        'DE-DRIVER': 'compliant',
        'DE-DEFN': 'compliant',
      });

      await t.api('PUT', `/api/v1/compliance/rules/clients/${ids[ECHO]}`, { rebootDays: 1 });
      expect((await risks(ECHO))['EC-REBOOT']).toBe('medium');

      await t.api('PUT', `/api/v1/compliance/rules/clients/${ids[BRAVO]}`, { serversFirst: false });
      expect(await risks(BRAVO)).toEqual({
        'BR-SQL': 'high',
        'BR-APP': 'medium',
        'BR-DC': 'low',
        'BR-PC': 'medium',
        'BR-FILE': 'compliant',
      });
      expect((await clientRow(BRAVO)).byRisk).toEqual({
        critical: 0,
        high: 1,
        medium: 2,
        low: 1,
        compliant: 1,
      });
      expect((await clientRow(ALPHA)).byRisk).toEqual({
        critical: 0,
        high: 2,
        medium: 3,
        low: 3,
        compliant: 7,
      });

      for (const client of [DELTA, ECHO, BRAVO]) {
        const del = await t.api('DELETE', `/api/v1/compliance/rules/clients/${ids[client]}`);
        expect(del.status).toBe(204);
        expect((await ruleOf(client)).source).toBe('built-in');
      }
      expect(await risks(DELTA)).toEqual({
        'DE-CRITTEN': 'medium',
        'DE-PREVIEW': 'medium',
        'DE-DRIVER': 'low',
        'DE-DEFN': 'compliant',
      });
      expect((await risks(ECHO))['EC-REBOOT']).toBe('low');
      expect((await clientRow(BRAVO)).byRisk.critical).toBe(1);
      expect((await get<Rules>('/api/v1/compliance/rules')).clients).toEqual([]);

      const audit = await get<{ items: { action: string; targetId: string }[] }>('/api/v1/audit');
      const delta = audit.items.filter((a) => a.targetId === ids[DELTA]).map((a) => a.action);
      expect(delta).toEqual([
        'compliance.rules.reset',
        'compliance.rules',
        'compliance.rules',
        'compliance.rules',
        'compliance.rules',
      ]);
    } finally {
      // Put back what a failure above left, so the next cases start from the built-in rule.
      await dropOverrides();
    }
  });

  it('applies the default rule to every client without an override of that setting', async () => {
    try {
      const put = await t.api<Rules>('PUT', '/api/v1/compliance/rules', {
        excludeTitles: ['Cumulative Update Preview'],
      });
      expect(put.status).toBe(200);
      expect(put.body.default.excludeTitles).toEqual(['Cumulative Update Preview']);
      expect((await risks(DELTA))['DE-PREVIEW']).toBe('compliant');
      expect((await risks(ECHO))['EC-PREVIEW']).toBe('compliant');
      expect(
        (await get<EffectiveRule>(`/api/v1/compliance/rules/clients/${ids[ECHO]}`)).source,
      ).toBe('default');

      // An override of another setting keeps the default's exclusions.
      await t.api('PUT', `/api/v1/compliance/rules/clients/${ids[DELTA]}`, { criticalDays: 7 });
      expect(await risks(DELTA)).toMatchObject({ 'DE-CRITTEN': 'high', 'DE-PREVIEW': 'compliant' });
      expect((await risks(ECHO))['EC-CRITTEN']).toBe('medium');
      expect((await t.api('DELETE', `/api/v1/compliance/rules/clients/${ids[DELTA]}`)).status).toBe(
        204,
      );

      const reset = await t.api<Rules>('PUT', '/api/v1/compliance/rules', {});
      expect(reset.status).toBe(200);
      expect(reset.body.default.excludeTitles).toEqual([]);
      expect((await risks(DELTA))['DE-PREVIEW']).toBe('medium');
      expect((await risks(ECHO))['EC-PREVIEW']).toBe('medium');
    } finally {
      await dropOverrides();
      await t.api('PUT', '/api/v1/compliance/rules', {});
    }
  });

  it('refuses a bad rule naming the field, and stores nothing', async () => {
    const cases: [string, unknown, string][] = [
      ['/api/v1/compliance/rules', { criticalDays: -1 }, 'criticalDays'],
      ['/api/v1/compliance/rules', { criticalDays: 7, colour: 'red' }, 'colour'],
      ['/api/v1/compliance/rules', { excludeCategories: ['bogus'] }, 'excludeCategories'],
      ['/api/v1/compliance/rules', { excludeTitles: ['ab'] }, 'excludeTitles'],
      [`/api/v1/compliance/rules/clients/${ids[DELTA]}`, { rebootDays: '3' }, 'rebootDays'],
      [`/api/v1/compliance/rules/clients/${ids[DELTA]}`, { serversFirst: 'no' }, 'serversFirst'],
      [`/api/v1/compliance/rules/clients/${ids[DELTA]}`, [1, 2], 'body'],
    ];
    for (const [path, body, field] of cases) {
      const res = await t.api('PUT', path, body);
      expect([field, res.status]).toEqual([field, 400]);
      expect(String(res.body.message)).toMatch(new RegExp(`(^|; )${field}: `));
    }
    const rules = await get<Rules>('/api/v1/compliance/rules');
    expect(rules.default.criticalDays).toBe(14);
    expect(rules.clients).toEqual([]);
    expect((await risks(DELTA))['DE-CRITTEN']).toBe('medium');
    const unknown = await t.api(
      'PUT',
      '/api/v1/compliance/rules/clients/00000000-0000-4000-8000-000000000000',
      { criticalDays: 7 },
    );
    expect(unknown.status).toBe(404);
  });

  it('lets only an admin change the rule', async () => {
    const viewer = await t.token('viewer');
    const operator = await t.token('operator');
    for (const token of [viewer, operator]) {
      expect(
        (await t.api('PUT', '/api/v1/compliance/rules', { criticalDays: 1 }, token)).status,
      ).toBe(403);
      expect(
        (
          await t.api(
            'PUT',
            `/api/v1/compliance/rules/clients/${ids[DELTA]}`,
            { criticalDays: 1 },
            token,
          )
        ).status,
      ).toBe(403);
      expect(
        (await t.api('DELETE', `/api/v1/compliance/rules/clients/${ids[DELTA]}`, undefined, token))
          .status,
      ).toBe(403);
      expect((await t.api('GET', '/api/v1/compliance/rules', undefined, token)).status).toBe(200);
    }
    expect((await get<Rules>('/api/v1/compliance/rules')).default.criticalDays).toBe(14);
    expect((await risks(DELTA))['DE-CRITTEN']).toBe('medium');
  });

  it('keeps one snapshot per client and day behind the trend', async () => {
    const job = t.app.get(ComplianceSnapshotJob);
    const today = new Date().toISOString().slice(0, 10);
    expect(await get<TrendPoint[]>('/api/v1/compliance/trend')).toEqual([]);

    expect(await job.take()).toBe(7);
    const now = await get<ClientList>('/api/v1/compliance');
    const point = (list: ClientList): TrendPoint => ({
      day: today,
      devices: list.totals.devices,
      compliantPercent: Math.floor((100 * list.totals.byRisk.compliant) / list.totals.devices),
      byRisk: list.totals.byRisk,
    });
    expect(await get<TrendPoint[]>('/api/v1/compliance/trend')).toEqual([point(now)]);
    expect(now.totals.devices).toBe(58);

    // Taken already today: a second run leaves it.
    expect(await job.take()).toBeNull();
    expect(await t.count(`compliance_snapshot`)).toBe(7);

    await send([patch('patch.failed', GOLF, 'GO-TWO', 'KB5000602', ago(0, 1))]);
    const after = await get<ClientList>('/api/v1/compliance');
    expect(after.totals.devices).toBe(59);
    expect(await job.take()).toBeNull();
    expect(await get<TrendPoint[]>('/api/v1/compliance/trend')).toEqual([point(now)]);

    // Forced, the day's rows are replaced, still one per client.
    expect(await job.take(true)).toBe(7);
    expect(await t.count(`compliance_snapshot`)).toBe(7);
    expect(await get<TrendPoint[]>('/api/v1/compliance/trend')).toEqual([point(after)]);

    const alpha = await get<TrendPoint[]>(`/api/v1/compliance/trend?clientId=${ids[ALPHA]}`);
    expect(alpha).toEqual([
      {
        day: today,
        devices: 15,
        compliantPercent: 46,
        byRisk: { critical: 0, high: 2, medium: 3, low: 3, compliant: 7 },
      },
    ]);
    const scoped = await t.token('viewer', ids[BRAVO]);
    expect(await get<TrendPoint[]>('/api/v1/compliance/trend', scoped)).toEqual([
      {
        day: today,
        devices: 5,
        compliantPercent: 20,
        byRisk: { critical: 1, high: 1, medium: 2, low: 0, compliant: 1 },
      },
    ]);
  });
});
