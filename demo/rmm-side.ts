import { removePatchOutput as automateRemovePatchOutput } from '../connectors/connectwise-automate/stand-in/connectwise-automate.state';
import { removePatchOutput as ninjaRemovePatchOutput } from '../connectors/ninjaone/stand-in/ninjaone.state';
import { AUTOMATE_REMOVE_PATCH_SCRIPT, type StandIns } from './stand-ins';

/**
 * The RMM of the 2 AM story, behind one small interface: it patches and reboots the server,
 * reports the services Switchboard verifies, and runs the removal script. NinjaOne or
 * ConnectWise Automate, each driven through its stand-in; Switchboard talks to either only
 * through the real connector.
 */

/** What `--rmm` accepts. */
export const RMM_CHOICES = ['ninjaone', 'automate'] as const;
export type RmmChoice = (typeof RMM_CHOICES)[number];

/** The server as every tool of the story knows it. */
export interface ServerFacts {
  client: string;
  host: string;
  fqdn: string;
  domain: string;
  ip: string;
  serial: string;
}

/** The rollback as the RMM received it, in words that do not depend on the vendor. */
export interface RollbackRun {
  /** The RMM's own id of the device the script runs on. */
  deviceId: number;
  scriptId: number | undefined;
  parameters: string;
  /** One sentence for the demo's output: what the RMM was asked to do. */
  described: string;
  /** The request exactly as the RMM stand-in received it. */
  request: unknown;
}

export interface RmmSide {
  readonly choice: RmmChoice;
  /** The connector kind, as in connectors/registry.ts. */
  readonly kind: 'ninjaone' | 'connectwise-automate';
  readonly name: string;
  /** The RMM's own id of the server, once seeded. */
  readonly deviceId: number;
  /** The client and the server, SQL Server and its agent running. */
  seed(server: ServerFacts): void;
  /** Installs the KB, reboots the server, and SQL Server does not start again. */
  patchNight(kb: string, title: string, installedAt: Date, rebootedAt: Date): void;
  /** The removal script run requested for the server, once there is one. */
  rollbackRun(): RollbackRun | undefined;
  /** The server's side of the run: the KB removed, SQL Server running again. */
  finishRollback(kb: string): void;
}

class NinjaOneSide implements RmmSide {
  readonly choice = 'ninjaone';
  readonly kind = 'ninjaone';
  readonly name = 'NinjaOne';
  deviceId = 0;

  constructor(private readonly standIns: StandIns) {}

  private get rmm() {
    return this.standIns.ninjaone;
  }

  seed(server: ServerFacts): void {
    const org = this.rmm.addOrganization(server.client, 'Dental practice, 2 sites');
    this.deviceId = this.rmm.addDevice({
      organizationId: org,
      systemName: server.host,
      dnsName: server.fqdn,
      ip: server.ip,
      serial: server.serial,
    });
    this.rmm.setServiceState(this.deviceId, 'MSSQLSERVER', 'running');
    this.rmm.setServiceState(this.deviceId, 'SQLSERVERAGENT', 'running');
  }

  patchNight(kb: string, title: string, installedAt: Date, rebootedAt: Date): void {
    this.rmm.installPatch(this.deviceId, kb, title, installedAt);
    this.rmm.reboot(this.deviceId, rebootedAt);
    this.rmm.setServiceState(this.deviceId, 'MSSQLSERVER', 'stopped');
  }

  rollbackRun(): RollbackRun | undefined {
    const run = this.rmm.scriptRuns().find((r) => r.deviceId === this.deviceId);
    if (!run) return undefined;
    const parameters = run.body.parameters ?? '';
    return {
      deviceId: run.deviceId,
      scriptId: run.body.id,
      parameters,
      described: `NinjaOne runs library script ${run.body.id} (Remove-Patch) on device ${run.deviceId} with "${parameters}" (run as ${run.body.runAs}).`,
      request: run,
    };
  }

  finishRollback(kb: string): void {
    this.rmm.setServiceState(this.deviceId, 'MSSQLSERVER', 'running');
    this.rmm.finishScriptRun(this.deviceId, {
      result: 'SUCCESS',
      output: ninjaRemovePatchOutput(kb, 'removed', { rebootRequired: false }),
    });
  }
}

class AutomateSide implements RmmSide {
  readonly choice = 'automate';
  readonly kind = 'connectwise-automate';
  readonly name = 'ConnectWise Automate';
  deviceId = 0;

  constructor(private readonly standIns: StandIns) {}

  private get rmm() {
    return this.standIns.connectwiseAutomate;
  }

  seed(server: ServerFacts): void {
    const client = this.rmm.addClient(server.client);
    this.deviceId = this.rmm.addComputer({
      clientId: client,
      name: server.host,
      domain: server.domain,
      ip: server.ip,
      serial: server.serial,
    });
    this.rmm.setServiceState(this.deviceId, 'MSSQLSERVER', 'running');
    this.rmm.setServiceState(this.deviceId, 'SQLSERVERAGENT', 'running');
  }

  patchNight(kb: string, title: string, installedAt: Date, rebootedAt: Date): void {
    this.rmm.installPatch(this.deviceId, kb, title, installedAt);
    this.rmm.reboot(this.deviceId, rebootedAt);
    // Automate's services are its agent's inventory: the one taken after the reboot.
    this.rmm.setServiceState(this.deviceId, 'MSSQLSERVER', 'stopped');
  }

  rollbackRun(): RollbackRun | undefined {
    const run = this.rmm.scriptRuns().find((r) => r.computerId === this.deviceId);
    if (!run) return undefined;
    const script =
      run.body.ScriptId === AUTOMATE_REMOVE_PATCH_SCRIPT.id
        ? `"${AUTOMATE_REMOVE_PATCH_SCRIPT.name}"`
        : `script ${run.body.ScriptId}`;
    return {
      deviceId: run.computerId,
      scriptId: run.body.ScriptId,
      parameters: run.body.Parameters,
      described: `ConnectWise Automate schedules ${script} (id ${run.body.ScriptId}) to run now on computer ${run.computerId} with "${run.body.Parameters}" (schedule ${run.body.Id}).`,
      request: run,
    };
  }

  finishRollback(kb: string): void {
    this.rmm.setServiceState(this.deviceId, 'MSSQLSERVER', 'running');
    this.rmm.finishScriptRun(this.deviceId, {
      state: 'Success',
      output: automateRemovePatchOutput(kb, 'removed', { rebootRequired: false }),
    });
  }
}

export function rmmSide(choice: RmmChoice, standIns: StandIns): RmmSide {
  return choice === 'automate' ? new AutomateSide(standIns) : new NinjaOneSide(standIns);
}
