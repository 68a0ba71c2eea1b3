import { randomUUID } from 'node:crypto';
import type { PatchRemovalReport } from '../../contract/connector';
import { findPatchRemovalReport } from '../../shared/patch-removal-report';

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
  /** The job series its activities share (START_REQUESTED now, COMPLETED when finished). */
  seriesUid: string;
}

/** An item of GET /v2/automation/scripts (api doc §4.11). */
export interface NinjaScript {
  id: number;
  name: string;
  description: string;
  active: boolean;
  language: string;
  architecture: string[];
  operatingSystems: string[];
  scriptParameters: string[];
  scriptVariables: unknown[];
  createdBy: string;
  lastUpdatedBy: string;
  createdOn: number;
  updatedOn: number;
}

/** How the device's side of a script run ended, as the demo driver decides it. */
export interface ScriptRunFinish {
  /** NinjaOne's activityResult for the run. */
  result: 'SUCCESS' | 'FAILURE';
  /** What the script printed; the stand-in puts it in the COMPLETED activity's message. */
  output: string;
  at?: Date;
}

/** The library script the rollback runs: scripts/windows/Remove-Patch.ps1, as an admin adds it. */
export const REMOVE_PATCH_SCRIPT = { id: 311, name: 'Remove-Patch' } as const;

/**
 * What Remove-Patch.ps1 prints for one KB: a line of progress, then its one JSON report line
 * (connectors/shared/patch-removal-report.ts). Exit codes default to scripts/README.md's: 0 or
 * 3010 (a reboot finishes it) removed, 10 not installed, 20 refused (21 for a servicing
 * stack: pass `exitCode`), 1 failed.
 */
export function removePatchOutput(
  kb: string,
  outcome: PatchRemovalReport['outcome'],
  options: Partial<Omit<PatchRemovalReport, 'kb' | 'outcome'>> = {},
): string {
  const id = `KB${kbDigits(kb)}`;
  const rebootRequired = options.rebootRequired ?? outcome === 'removed';
  const rebooting = options.rebooting ?? false;
  // As the script: 3010 whenever a reboot finishes the removal, also when -Reboot scheduled it.
  const removedCode = rebootRequired ? 3010 : 0;
  const defaults: Record<PatchRemovalReport['outcome'], { exitCode: number; message: string }> = {
    removed: { exitCode: removedCode, message: `Removed ${id}.` },
    'not-installed': { exitCode: 10, message: `No installed package carries ${id}.` },
    refused: { exitCode: 20, message: `${id} is permanent and cannot be removed.` },
    failed: { exitCode: 1, message: `DISM could not remove ${id}.` },
  };
  const report = {
    switchboard: 'remove-patch',
    version: 1,
    kb: id,
    outcome,
    exitCode: options.exitCode ?? defaults[outcome].exitCode,
    packageName: options.packageName ?? `Package_for_RollupFix~31bf3856ad364e35~amd64~~${id}`,
    rebootRequired,
    rebooting,
    message: options.message ?? defaults[outcome].message,
  };
  return `Remove-Patch: looking for ${id}\n${JSON.stringify(report)}`;
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

function libraryScript(id: number, name: string, description: string): NinjaScript {
  const created = Date.parse('2024-11-12T09:00:00Z') / 1000;
  return {
    id,
    name,
    description,
    active: true,
    language: 'PowerShell',
    architecture: ['64'],
    operatingSystems: ['Windows'],
    scriptParameters: [],
    scriptVariables: [],
    createdBy: 'admin@msp.example',
    lastUpdatedBy: 'admin@msp.example',
    createdOn: created,
    updatedOn: created,
  };
}

export class NinjaOneState {
  protected readonly organizations: NinjaOrganization[] = [];
  protected readonly devices: NinjaDevice[] = [];
  protected readonly installs: NinjaPatchRow[] = [];
  protected readonly pending: NinjaPatchRow[] = [];
  protected readonly activities: NinjaActivity[] = [];
  protected readonly services = new Map<number, NinjaService[]>();
  protected readonly scriptRunLog: ScriptRunRequest[] = [];
  /** Administration > Library > Automation; Remove-Patch is there, as the README asks. */
  protected readonly scripts: NinjaScript[] = [
    libraryScript(305, 'Clear Print Queue', 'Empties the print spooler queue'),
    libraryScript(
      REMOVE_PATCH_SCRIPT.id,
      REMOVE_PATCH_SCRIPT.name,
      'Removes one Windows update by KB (Switchboard scripts/windows/Remove-Patch.ps1)',
    ),
  ];
  /** Runs the driver has not finished yet, oldest first; `logged` once START_REQUESTED is. */
  private readonly openRuns: { run: ScriptRunRequest; logged: boolean }[] = [];
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

  /** Coming back online, the device picks up the runs queued for it (START_REQUESTED). */
  setDeviceOffline(deviceId: number, offline: boolean): void {
    this.device(deviceId).offline = offline;
    if (!offline)
      for (const open of this.openRuns.filter((o) => o.run.deviceId === deviceId))
        this.logStart(open);
  }

  /** Every script/run request received, oldest first (copies). */
  scriptRuns(): ScriptRunRequest[] {
    return this.scriptRunLog.map((r) => ({ ...r, body: { ...r.body } }));
  }

  /** Called on each script/run request, so a driver can play the device's side. */
  onScriptRun(listener: (run: ScriptRunRequest) => void): void {
    this.scriptListeners.push(listener);
  }

  /** Adds a library script (Administration > Library > Automation); returns its id. */
  addScript(name: string, id?: number): number {
    const scriptId = id ?? Math.max(0, ...this.scripts.map((s) => s.id)) + 1;
    if (this.scripts.some((s) => s.id === scriptId))
      throw new Error(`stand-in: script ${scriptId} exists`);
    this.scripts.push(libraryScript(scriptId, name, ''));
    return scriptId;
  }

  /**
   * The device's side of the oldest unfinished run on it: a COMPLETED ACTION activity in the
   * run's series, sourceName "Run <script>", with `output` as its message. A Remove-Patch
   * report in the output saying `removed` also takes the KB off the device's install rows and
   * sets needsReboot as reported (the reboot itself is the driver's: call reboot()).
   */
  finishScriptRun(deviceId: number, finish: ScriptRunFinish): ScriptRunRequest {
    this.device(deviceId);
    const index = this.openRuns.findIndex((o) => o.run.deviceId === deviceId);
    if (index < 0) throw new Error(`stand-in: no unfinished script run on device ${deviceId}`);
    const [open] = this.openRuns.splice(index, 1);
    const { run } = open;
    this.logStart(open);
    this.addActivity(deviceId, finish.at ?? this.now(), {
      activityType: 'ACTION',
      statusCode: 'COMPLETED',
      status: 'Completed',
      activityResult: finish.result,
      sourceName: this.runSourceName(run),
      subject: '',
      message: finish.output,
      type: 'Action',
      seriesUid: run.seriesUid,
    });
    const report = findPatchRemovalReport(finish.output);
    if (report?.outcome === 'removed') this.patchRemoved(deviceId, report);
    return { ...run, body: { ...run.body } };
  }

  /**
   * Records the run and logs its START_REQUESTED activity, as NinjaOne queues it; for an
   * offline device only once it comes back online, so nothing is logged for the run meanwhile.
   */
  protected recordScriptRun(run: ScriptRunRequest): void {
    this.scriptRunLog.push(run);
    const open = { run, logged: false };
    this.openRuns.push(open);
    if (!this.device(run.deviceId).offline) this.logStart(open);
    for (const listener of this.scriptListeners) listener(run);
  }

  private logStart(open: { run: ScriptRunRequest; logged: boolean }): void {
    if (open.logged) return;
    open.logged = true;
    this.addActivity(open.run.deviceId, this.now(), {
      activityType: 'ACTION',
      statusCode: 'START_REQUESTED',
      status: 'Start requested',
      sourceName: this.runSourceName(open.run),
      subject: '',
      message: '',
      type: 'Action',
      seriesUid: open.run.seriesUid,
    });
  }

  /** NinjaOne's reports show a script run's source as "Run <script name>" (api doc §4.6). */
  private runSourceName(run: ScriptRunRequest): string {
    const script = this.scripts.find((s) => run.body.type === 'SCRIPT' && s.id === run.body.id);
    return `Run ${script?.name ?? `action ${run.body.uid ?? run.body.id ?? ''}`.trim()}`;
  }

  private patchRemoved(deviceId: number, report: PatchRemovalReport): void {
    const kept = this.installs.filter(
      (r) => !(r.deviceId === deviceId && r.kbNumber === report.kb),
    );
    this.installs.splice(0, this.installs.length, ...kept);
    this.device(deviceId).os.needsReboot = report.rebootRequired === true;
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
      Partial<Pick<NinjaActivity, 'severity' | 'activityResult' | 'seriesUid'>>,
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
