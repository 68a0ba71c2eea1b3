import { randomUUID } from 'node:crypto';

/**
 * NinjaOne tenant data held in memory, in the Public API v2 shapes (shared/api/ninjaone.md,
 * connectors/ninjaone/fixtures). Times are epoch seconds, as NinjaOne sends them.
 */

export interface NinjaOrganization {
  id: number;
  name: string;
  description: string;
  nodeApprovalMode: 'AUTOMATIC';
  tags: string[];
  fields: Record<string, unknown>;
  userData: Record<string, unknown>;
}

export interface NinjaDevice {
  id: number;
  uid: string;
  organizationId: number;
  locationId: number;
  nodeClass: string;
  approvalStatus: 'APPROVED';
  offline: boolean;
  displayName: string;
  systemName: string;
  dnsName: string;
  netbiosName: string;
  created: number;
  lastContact: number;
  lastUpdate: number;
  tags: string[];
  fields: Record<string, unknown>;
  userData: Record<string, unknown>;
  maintenance: null;
  ipAddresses: string[];
  macAddresses: string[];
  os: { manufacturer: string; name: string; lastBootTime: number; needsReboot: boolean };
  system: { name: string; manufacturer: string; model: string; serialNumber: string };
}

/** Both /v2/queries/os-patches (no install yet) and os-patch-installs (an attempt) rows. */
export interface NinjaPatchRow {
  id: string;
  name: string;
  kbNumber: string | null;
  severity: 'OPTIONAL' | 'MODERATE' | 'IMPORTANT' | 'CRITICAL';
  status: string;
  type: string;
  deviceId: number;
  timestamp: number;
  installedAt?: number;
}

export interface NinjaActivity {
  id: number;
  activityTime: number;
  deviceId: number;
  severity: 'NONE' | 'MINOR' | 'MODERATE' | 'MAJOR' | 'CRITICAL';
  priority: 'NONE';
  seriesUid: string;
  activityType: string;
  statusCode: string;
  status: string;
  activityResult: 'SUCCESS' | 'FAILURE';
  sourceConfigUid: string;
  sourceName: string;
  subject: string;
  userId: null;
  message: string;
  type: string;
  data: Record<string, unknown>;
}

export interface NinjaService {
  name: string;
  displayName: string;
  description: string;
  startType: string;
  userName: string;
  state: 'RUNNING' | 'STOPPED';
}

/** What POST /v2/device/{id}/script/run received, for the demo driver to act on. */
export interface ScriptRunRequest {
  deviceId: number;
  body: { type: string; id?: number; uid?: string; parameters?: string; runAs?: string };
  at: Date;
}

export interface NewDevice {
  organizationId: number;
  systemName: string;
  dnsName?: string;
  ip?: string;
  serial?: string;
  /** Default WINDOWS_SERVER. */
  nodeClass?: string;
  /** Default Windows Server 2022 Standard. */
  osName?: string;
  offline?: boolean;
}

const KNOWN_SERVICES: Record<string, string> = {
  MSSQLSERVER: 'SQL Server (MSSQLSERVER)',
  SQLSERVERAGENT: 'SQL Server Agent (MSSQLSERVER)',
  Spooler: 'Print Spooler',
  wuauserv: 'Windows Update',
  W3SVC: 'World Wide Web Publishing Service',
};

/** A fresh Windows box: the update service idles, the spooler runs. */
function defaultServices(): NinjaService[] {
  return [
    service('wuauserv', 'STOPPED', 'DEMAND_START'),
    service('Spooler', 'RUNNING', 'AUTO_START'),
  ];
}

function service(name: string, state: NinjaService['state'], startType: string): NinjaService {
  const displayName = KNOWN_SERVICES[name] ?? name;
  return { name, displayName, description: '', startType, userName: 'LocalSystem', state };
}

function seconds(at: Date): number {
  return at.getTime() / 1000;
}

function kbDigits(kb: string): string {
  const match = /^(?:KB)?\s?(\d{4,8})$/i.exec(kb.trim());
  if (!match) throw new Error(`stand-in: ${kb} is not a KB number`);
  return match[1];
}

export class NinjaOneState {
  protected readonly organizations: NinjaOrganization[] = [];
  protected readonly devices: NinjaDevice[] = [];
  protected readonly installs: NinjaPatchRow[] = [];
  protected readonly pending: NinjaPatchRow[] = [];
  protected readonly activities: NinjaActivity[] = [];
  protected readonly services = new Map<number, NinjaService[]>();
  protected readonly scriptRunLog: ScriptRunRequest[] = [];
  private readonly scriptListeners: ((run: ScriptRunRequest) => void)[] = [];
  private nextOrganizationId = 11;
  private nextDeviceId = 1041;
  // Real tenants have long activity histories; large ids keep that look.
  private nextActivityId = 88_500_001;

  constructor(protected readonly now: () => Date = () => new Date()) {}

  addOrganization(name: string, description = ''): number {
    const id = this.nextOrganizationId++;
    this.organizations.push({
      id,
      name,
      description,
      nodeApprovalMode: 'AUTOMATIC',
      tags: [],
      fields: {},
      userData: {},
    });
    return id;
  }

  addDevice(input: NewDevice): number {
    if (!this.organizations.some((o) => o.id === input.organizationId))
      throw new Error(`stand-in: no organization ${input.organizationId}`);
    const id = this.nextDeviceId++;
    const at = seconds(this.now());
    const dnsName = input.dnsName ?? input.systemName.toLowerCase();
    this.devices.push({
      id,
      uid: randomUUID(),
      organizationId: input.organizationId,
      locationId: input.organizationId * 10 + 1,
      nodeClass: input.nodeClass ?? 'WINDOWS_SERVER',
      approvalStatus: 'APPROVED',
      offline: input.offline ?? false,
      displayName: input.systemName,
      systemName: input.systemName,
      dnsName,
      netbiosName: input.systemName.toUpperCase().slice(0, 15),
      created: at,
      lastContact: at,
      lastUpdate: at,
      tags: [],
      fields: {},
      userData: {},
      maintenance: null,
      ipAddresses: input.ip ? [input.ip] : [],
      macAddresses: [],
      os: {
        manufacturer: 'Microsoft Corporation',
        name: input.osName ?? 'Windows Server 2022 Standard',
        lastBootTime: at - 86_400,
        needsReboot: false,
      },
      system: {
        name: input.systemName,
        manufacturer: 'Dell Inc.',
        model: 'PowerEdge R650',
        serialNumber: input.serial ?? '',
      },
    });
    this.services.set(id, defaultServices());
    return id;
  }

  /** A patch the device still needs (MANUAL = awaiting approval, APPROVED = will install). */
  addPendingPatch(
    deviceId: number,
    kb: string,
    title: string,
    status: 'MANUAL' | 'APPROVED' | 'FAILED' | 'REJECTED' = 'APPROVED',
    at: Date = this.now(),
  ): void {
    this.device(deviceId);
    const row = this.patchRow(deviceId, kb, title, status, at);
    this.pending.push(row);
  }

  /**
   * The RMM installed a KB: an install record (os-patch-installs), the matching pending row
   * gone, a PATCH_MANAGEMENT_INSTALLED activity, and the device waiting for a reboot.
   */
  installPatch(deviceId: number, kb: string, title: string, at: Date = this.now()): void {
    const device = this.device(deviceId);
    const digits = kbDigits(kb);
    const row = this.patchRow(deviceId, kb, title, 'INSTALLED', at);
    this.installs.push({ ...row, installedAt: seconds(at) });
    const stillPending = this.pending.filter(
      (p) => !(p.deviceId === deviceId && p.kbNumber === `KB${digits}`),
    );
    this.pending.splice(0, this.pending.length, ...stillPending);
    device.os.needsReboot = true;
    this.addActivity(deviceId, at, {
      activityType: 'PATCH_MANAGEMENT',
      statusCode: 'PATCH_MANAGEMENT_INSTALLED',
      status: 'Patch installed',
      sourceName: 'Windows Server Patching',
      subject: `KB${digits}`,
      message: `${title} installed`,
      type: 'Patch Management',
    });
  }

  /** A SYSTEM_REBOOTED activity, which the connector maps to RebootSeen. */
  reboot(deviceId: number, at: Date = this.now()): void {
    const device = this.device(deviceId);
    device.os.lastBootTime = seconds(at);
    device.os.needsReboot = false;
    this.addActivity(deviceId, at, {
      activityType: 'SYSTEM',
      statusCode: 'SYSTEM_REBOOTED',
      status: 'System rebooted',
      sourceName: '',
      subject: '',
      message: `${device.systemName} rebooted`,
      type: 'System',
    });
  }

  /** The uninstall finished: a ROLLBACK_PATCH_COMPLETED activity (→ PatchSeen rolled_back). */
  rollbackCompleted(deviceId: number, kb: string, at: Date = this.now()): void {
    this.device(deviceId);
    const digits = kbDigits(kb);
    this.addActivity(deviceId, at, {
      activityType: 'PATCH_MANAGEMENT',
      statusCode: 'PATCH_MANAGEMENT_ROLLBACK_PATCH_COMPLETED',
      status: 'Patch rollback completed',
      sourceName: 'Windows Server Patching',
      subject: `KB${digits}`,
      message: `Rollback of KB${digits} completed`,
      type: 'Patch Management',
    });
  }

  /**
   * Sets (or adds, with AUTO_START) a Windows service. `logActivity` also records the
   * WINDOWS_SERVICE_STOPPED/STARTED activity, which the connector maps to service.down/up;
   * off by default so only the monitoring tool reports the outage, as in the 2 AM story.
   */
  setServiceState(
    deviceId: number,
    name: string,
    state: 'running' | 'stopped',
    options: { at?: Date; logActivity?: boolean } = {},
  ): void {
    this.device(deviceId);
    const list = this.services.get(deviceId) ?? [];
    const wanted = state === 'running' ? 'RUNNING' : 'STOPPED';
    const existing = list.find((s) => s.name.toLowerCase() === name.toLowerCase());
    if (existing) existing.state = wanted;
    else list.push(service(name, wanted, 'AUTO_START'));
    this.services.set(deviceId, list);
    if (!options.logActivity) return;
    this.addActivity(deviceId, options.at ?? this.now(), {
      activityType: 'MONITOR',
      statusCode: state === 'running' ? 'WINDOWS_SERVICE_STARTED' : 'WINDOWS_SERVICE_STOPPED',
      status: state === 'running' ? 'Windows service started' : 'Windows service stopped',
      sourceName: 'Windows services',
      subject: existing?.name ?? name,
      message: `${KNOWN_SERVICES[name] ?? name} ${state === 'running' ? 'started' : 'stopped'}`,
      type: 'Monitor',
      severity: state === 'running' ? 'NONE' : 'MAJOR',
    });
  }

  setDeviceOffline(deviceId: number, offline: boolean): void {
    this.device(deviceId).offline = offline;
  }

  /** Every script/run request received, oldest first (copies). */
  scriptRuns(): ScriptRunRequest[] {
    return this.scriptRunLog.map((r) => ({ ...r, body: { ...r.body } }));
  }

  /** Called on each script/run request, so a driver can play the device's side. */
  onScriptRun(listener: (run: ScriptRunRequest) => void): void {
    this.scriptListeners.push(listener);
  }

  protected recordScriptRun(run: ScriptRunRequest): void {
    this.scriptRunLog.push(run);
    for (const listener of this.scriptListeners) listener(run);
  }

  protected device(deviceId: number): NinjaDevice {
    const device = this.devices.find((d) => d.id === deviceId);
    if (!device) throw new Error(`stand-in: no device ${deviceId}`);
    return device;
  }

  private patchRow(
    deviceId: number,
    kb: string,
    title: string,
    status: string,
    at: Date,
  ): NinjaPatchRow {
    return {
      id: randomUUID(),
      name: title,
      kbNumber: `KB${kbDigits(kb)}`,
      severity: 'CRITICAL',
      status,
      type: 'SECURITY_UPDATES',
      deviceId,
      timestamp: seconds(at),
    };
  }

  private addActivity(
    deviceId: number,
    at: Date,
    fields: Pick<
      NinjaActivity,
      'activityType' | 'statusCode' | 'status' | 'sourceName' | 'subject' | 'message' | 'type'
    > &
      Partial<Pick<NinjaActivity, 'severity' | 'activityResult'>>,
  ): void {
    this.activities.push({
      id: this.nextActivityId++,
      activityTime: seconds(at),
      deviceId,
      severity: 'NONE',
      priority: 'NONE',
      seriesUid: randomUUID(),
      activityResult: 'SUCCESS',
      sourceConfigUid: randomUUID(),
      userId: null,
      data: {},
      ...fields,
    });
  }
}
