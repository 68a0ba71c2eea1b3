import { randomUUID } from 'node:crypto';
import type { PatchRemovalReport } from '../../contract/connector';
import { findPatchRemovalReport } from '../../shared/patch-removal-report';
import type {
  AutomateClient,
  AutomateComputer,
  AutomateMicrosoftUpdate,
  AutomatePatchHistory,
  AutomateRunningScript,
  AutomateScheduledScript,
  AutomateScriptHistory,
  AutomateService,
} from '../connectwise-automate.types';

/**
 * An Automate server's data held in memory, in the REST API's shapes
 * (connectors/connectwise-automate/connectwise-automate.types.ts, shared/api/connectwise-automate.md),
 * plus the methods a demo driver calls to play the 2 AM story.
 */

/** The Automate script an admin makes around Remove-Patch.ps1 (connector README). */
export const REMOVE_PATCH_SCRIPT = { id: 6412, name: 'Switchboard - Remove Patch' } as const;

export interface NewComputer {
  clientId: number;
  name: string;
  ip?: string;
  serial?: string;
  /** Default Server. */
  type?: 'Server' | 'Workstation';
  /** Default Microsoft Windows Server 2022 Standard x64. */
  os?: string;
  domain?: string;
  online?: boolean;
}

/** What POST Computers/{id}/ScheduledScripts received, for the demo driver to act on. */
export interface ScheduledRun {
  computerId: number;
  body: AutomateScheduledScript;
  at: Date;
}

/** How the computer's side of a script run ends, as the driver decides it. */
export interface ScriptRunFinish {
  state: 'Success' | 'Failure' | 'Information';
  /** What the Automate script logged: it becomes the history row's DiagnosticMessage. */
  output: string;
  at?: Date;
}

/**
 * What Remove-Patch.ps1 prints for one KB (its progress line and its JSON report line), as an
 * Automate script logging %shellresult% hands it back. Exit codes as scripts/README.md.
 */
export function removePatchOutput(
  kb: string,
  outcome: PatchRemovalReport['outcome'],
  options: Partial<Omit<PatchRemovalReport, 'kb' | 'outcome'>> = {},
): string {
  const id = `KB${kbDigits(kb)}`;
  const rebootRequired = options.rebootRequired ?? outcome === 'removed';
  const defaults: Record<PatchRemovalReport['outcome'], { exitCode: number; message: string }> = {
    removed: { exitCode: rebootRequired ? 3010 : 0, message: `Removed ${id}.` },
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
    rebooting: options.rebooting ?? false,
    message: options.message ?? defaults[outcome].message,
  };
  return `Remove-Patch: looking for ${id}\n${JSON.stringify(report)}`;
}

function kbDigits(kb: string): string {
  const match = /^(?:KB)?\s?(\d{4,8})$/i.exec(kb.trim());
  if (!match) throw new Error(`stand-in: ${kb} is not a KB number`);
  return match[1];
}

const SERVICE_NAMES: Record<string, string> = {
  MSSQLSERVER: 'SQL Server (MSSQLSERVER)',
  Spooler: 'Print Spooler',
  wuauserv: 'Windows Update',
  W3SVC: 'World Wide Web Publishing Service',
};

const iso = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class AutomateState {
  protected readonly clients: AutomateClient[] = [];
  protected readonly computers: AutomateComputer[] = [];
  protected readonly history: AutomatePatchHistory[] = [];
  protected readonly updates: AutomateMicrosoftUpdate[] = [];
  protected readonly services = new Map<number, AutomateService[]>();
  protected readonly scriptHistory: AutomateScriptHistory[] = [];
  protected readonly running: AutomateRunningScript[] = [];
  protected readonly scripts = [
    { Id: '211', Name: 'Disk Cleanup', IsComputerScript: true },
    { Id: String(REMOVE_PATCH_SCRIPT.id), Name: REMOVE_PATCH_SCRIPT.name, IsComputerScript: true },
  ];
  private readonly runLog: ScheduledRun[] = [];
  private readonly listeners: ((run: ScheduledRun) => void)[] = [];
  private nextClientId = 3;
  private nextComputerId = 1201;
  private nextServiceId = 7_712_230;
  private nextScheduleId = 7741;
  private nextRunId = 55_120;
  // Real servers have long histories; large ids keep that look.
  private nextHistoryId = 991_200;

  constructor(protected readonly now: () => Date = () => new Date()) {}

  addClient(name: string): number {
    const id = this.nextClientId++;
    this.clients.push({ Id: String(id), Name: name, Company: name, Comment: '', ExternalId: '' });
    return id;
  }

  addComputer(input: NewComputer): number {
    const client = this.clients.find((c) => c.Id === String(input.clientId));
    if (!client) throw new Error(`stand-in: no client ${input.clientId}`);
    const id = this.nextComputerId++;
    const at = this.now();
    this.computers.push({
      Id: String(id),
      ComputerName: input.name,
      Client: { Id: client.Id, Name: client.Name },
      Location: { Id: input.clientId * 10 + 1, Name: 'Main Office' },
      Status: input.online === false ? 'Offline' : 'Online',
      Type: input.type ?? 'Server',
      OperatingSystemName: input.os ?? 'Microsoft Windows Server 2022 Standard x64',
      OperatingSystemVersion: '10.0.20348',
      DomainName: input.domain ?? '',
      RemoteAgentLastContact: iso(at),
      LastHeartbeat: iso(at),
      LastStartup: iso(new Date(at.getTime() - 86_400_000)),
      IsRebootNeeded: false,
      LocalIPAddress: input.ip ?? '',
      SerialNumber: input.serial ?? '',
    });
    this.services.set(id, []);
    this.setServiceState(id, 'wuauserv', 'stopped', 'Manual');
    this.setServiceState(id, 'Spooler', 'running');
    return id;
  }

  /** An update the computer lacks (Approved: will install; NotSet: awaiting approval). */
  addMissingUpdate(
    computerId: number,
    kb: string,
    title: string,
    approval: 'Approved' | 'NotSet' | 'Ignored' = 'Approved',
  ): void {
    this.computer(computerId);
    this.upsertUpdate(
      computerId,
      kb,
      title,
      { InstallState: 'Missing', IsInstalled: false, IsFailed: false },
      approval,
    );
  }

  /**
   * The RMM installed a KB: a PatchHistory row (Installation, Succeeded), the update shown as
   * installed, and the computer waiting for a reboot.
   */
  installPatch(computerId: number, kb: string, title: string, at: Date = this.now()): void {
    const computer = this.computer(computerId);
    this.addHistory(computerId, kb, title, 'Installation', 'Succeeded', at);
    this.upsertUpdate(computerId, kb, title, {
      InstallState: 'Installed',
      IsInstalled: true,
      IsFailed: false,
      InstallDate: iso(at),
    });
    computer.IsRebootNeeded = true;
    computer.WindowsUpdateDate = iso(at);
  }

  /** An install that failed: a PatchHistory row (Failed) and the update shown as failed. */
  failPatch(computerId: number, kb: string, title: string, at: Date = this.now()): void {
    this.computer(computerId);
    this.addHistory(computerId, kb, title, 'Installation', 'Failed', at);
    this.upsertUpdate(computerId, kb, title, {
      InstallState: 'Failed',
      IsInstalled: false,
      IsFailed: true,
      InstallDate: iso(at),
    });
  }

  /** The computer restarted: LastStartup moves (the connector reads it as a reboot). */
  reboot(computerId: number, at: Date = this.now()): void {
    const computer = this.computer(computerId);
    computer.LastStartup = iso(at);
    computer.IsRebootNeeded = false;
    computer.RemoteAgentLastContact = iso(at);
  }

  /** Sets (or adds) a service, as the agent's next service inventory would report it. */
  setServiceState(
    computerId: number,
    name: string,
    state: 'running' | 'stopped',
    startup: 'Auto' | 'Manual' | 'Disabled' = 'Auto',
  ): void {
    this.computer(computerId);
    const list = this.services.get(computerId) ?? [];
    const existing = list.find((s) => s.Name.toLowerCase() === name.toLowerCase());
    const State = state === 'running' ? 'Running' : 'Stopped';
    const DateLastInventoried = iso(this.now());
    if (existing) Object.assign(existing, { State, DateLastInventoried });
    else
      list.push({
        ComputerServiceId: this.nextServiceId++,
        ComputerId: computerId,
        Name: name,
        Description: SERVICE_NAMES[name] ?? name,
        State,
        Startup: startup,
        PathName: `C:\\Windows\\system32\\${name}.exe`,
        ServiceType: 'Own Process',
        Username: 'LocalSystem',
        DateLastInventoried,
        RunLevels: '',
        Classification: { Id: 0, Name: 'Unclassified' },
      });
    this.services.set(computerId, list);
  }

  /** Online/offline; an agent coming back starts the scripts scheduled for it. */
  setOnline(computerId: number, online: boolean): void {
    const computer = this.computer(computerId);
    computer.Status = online ? 'Online' : 'Offline';
    if (online) {
      computer.RemoteAgentLastContact = iso(this.now());
      for (const run of this.runLog.filter((r) => r.computerId === computerId)) this.start(run);
    }
  }

  /** Every ScheduledScripts request received, oldest first (copies). */
  scriptRuns(): ScheduledRun[] {
    return this.runLog.map((r) => ({ ...r, body: { ...r.body } }));
  }

  /** Called on each scheduled run, so a driver can play the computer's side. */
  onScriptRun(listener: (run: ScheduledRun) => void): void {
    this.listeners.push(listener);
  }

  /**
   * The computer's side of the oldest unfinished run on it: its RunningScripts row goes, a
   * Completed ScriptHistory row with `output` as DiagnosticMessage comes. A Remove-Patch report
   * saying `removed` also uninstalls the KB (an Uninstallation history row, the update missing
   * again, the reboot flag as reported); the reboot itself is the driver's: call reboot().
   */
  finishScriptRun(computerId: number, finish: ScriptRunFinish): ScheduledRun {
    const run = this.runLog.find((r) => r.computerId === computerId && !this.finished.has(r));
    if (!run) throw new Error(`stand-in: no unfinished script run on computer ${computerId}`);
    this.start(run);
    this.finished.add(run);
    const at = finish.at ?? this.now();
    const index = this.running.findIndex(
      (r) => r.ComputerId === computerId && r.ScriptId === run.body.ScriptId,
    );
    if (index >= 0) this.running.splice(index, 1);
    const script = this.scripts.find((s) => s.Id === String(run.body.ScriptId));
    this.scriptHistory.push({
      Id: this.nextHistoryId++,
      ScriptId: run.body.ScriptId,
      ComputerId: computerId,
      Name: script?.Name ?? `Script ${run.body.ScriptId}`,
      User: run.body.User,
      Status: 'Completed',
      State: finish.state,
      HistoryDate: iso(at),
      DiagnosticMessage: finish.output,
    });
    const report = findPatchRemovalReport(finish.output);
    if (report?.outcome === 'removed') this.patchRemoved(computerId, report, at);
    return { ...run, body: { ...run.body } };
  }

  private readonly finished = new Set<ScheduledRun>();
  private readonly started = new Set<ScheduledRun>();

  /** Records a scheduled run; an online agent starts it at once (a RunningScripts row). */
  protected recordRun(run: ScheduledRun): void {
    this.runLog.push(run);
    if (this.computer(run.computerId).Status === 'Online') this.start(run);
    for (const listener of this.listeners) listener(run);
  }

  protected newScheduleId(): number {
    return this.nextScheduleId++;
  }

  private start(run: ScheduledRun): void {
    if (this.started.has(run) || this.finished.has(run)) return;
    this.started.add(run);
    const script = this.scripts.find((s) => s.Id === String(run.body.ScriptId));
    this.running.push({
      Id: this.nextRunId++,
      ScriptId: run.body.ScriptId,
      ComputerId: run.computerId,
      Name: script?.Name ?? `Script ${run.body.ScriptId}`,
      Status: 'Running',
      StartDate: iso(this.now()),
    });
  }

  private patchRemoved(computerId: number, report: PatchRemovalReport, at: Date): void {
    const update = this.updates.find(
      (u) => u.ComputerId === computerId && `KB${u.KnowledgeBaseId}` === report.kb,
    );
    const title = update?.Title ?? report.kb;
    this.addHistory(computerId, report.kb, title, 'Uninstallation', 'Succeeded', at);
    if (update)
      Object.assign(update, { InstallState: 'Missing', IsInstalled: false, InstallDate: null });
    this.computer(computerId).IsRebootNeeded = report.rebootRequired === true;
  }

  private addHistory(
    computerId: number,
    kb: string,
    title: string,
    operation: 'Installation' | 'Uninstallation',
    result: 'Succeeded' | 'Failed',
    at: Date,
  ): void {
    const digits = Number(kbDigits(kb));
    this.history.push({
      ActionDate: iso(at),
      ComputerId: computerId,
      OperationCode: { Id: operation === 'Installation' ? 1 : 2, Name: operation },
      PatchHistoryClient: { Id: 1, Name: 'Automatic Updates' },
      PatchHistoryTitle: { Id: digits, Title: title, KnowledgeBaseId: digits },
      ResultCode: { Id: result === 'Succeeded' ? 2 : 4, Name: result },
      UpdateId: this.updateId(computerId, kb),
    });
  }

  private updateId(computerId: number, kb: string): string {
    const digits = Number(kbDigits(kb));
    return (
      this.updates.find((u) => u.ComputerId === computerId && u.KnowledgeBaseId === digits)
        ?.MicrosoftUpdateId ?? randomUUID()
    );
  }

  private upsertUpdate(
    computerId: number,
    kb: string,
    title: string,
    state: Pick<AutomateMicrosoftUpdate, 'InstallState' | 'IsInstalled' | 'IsFailed'> &
      Partial<Pick<AutomateMicrosoftUpdate, 'InstallDate'>>,
    approval = 'Approved',
  ): void {
    const digits = Number(kbDigits(kb));
    const existing = this.updates.find(
      (u) => u.ComputerId === computerId && u.KnowledgeBaseId === digits,
    );
    const compliant = state.IsInstalled;
    const fields = { ...state, IsCompliant: compliant, IsNonCompliant: !compliant };
    if (existing) {
      Object.assign(existing, fields);
      return;
    }
    this.updates.push({
      ComputerId: computerId,
      KnowledgeBaseId: digits,
      MicrosoftUpdateId: randomUUID(),
      Title: title,
      Category: 'Security Updates',
      Severity: 'Critical',
      ReleaseDate: iso(new Date(this.now().getTime() - 12 * 86_400_000)),
      InstallDate: null,
      PolicyApproval: { Id: approval === 'Approved' ? 1 : 0, Name: approval },
      Cvss: 8.8,
      ...fields,
    });
  }

  protected computer(computerId: number): AutomateComputer {
    const computer = this.computers.find((c) => c.Id === String(computerId));
    if (!computer) throw new Error(`stand-in: no computer ${computerId}`);
    return computer;
  }
}
