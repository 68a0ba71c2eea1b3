import type { CanonicalEvent, ServiceState } from '../contract/canonical';
import type {
  CapabilityReport,
  Connector,
  ConnectorContext,
  ExternalRef,
  Page,
  RawRecord,
  RollbackJob,
  RollbackResult,
} from '../contract/connector';
import { checkAutomate } from './connectwise-automate.check';
import { AutomateApi } from './connectwise-automate.client';
import { normalizeRecord } from './connectwise-automate.mapper';
import { AutomatePulls } from './connectwise-automate.pulls';
import { AutomateRollback } from './connectwise-automate.rollback';
import { getServices } from './connectwise-automate.services';
import type { ConnectWiseAutomateSettings } from './connectwise-automate.settings';

/** Automate sends no webhooks (api doc §4.8): everything is polled. */
export class ConnectWiseAutomateConnector implements Connector {
  private readonly api: AutomateApi;
  private readonly pulls: AutomatePulls;
  private readonly rollback: AutomateRollback;

  constructor(private readonly ctx: ConnectorContext<ConnectWiseAutomateSettings>) {
    this.api = new AutomateApi(ctx.http, ctx.settings, ctx.clock);
    this.pulls = new AutomatePulls(this.api, ctx.settings, ctx.clock);
    this.rollback = new AutomateRollback(this.api, ctx.settings, ctx.clock);
  }

  check(): Promise<CapabilityReport> {
    return checkAutomate(this.api, this.ctx.settings);
  }

  normalize(raw: RawRecord): CanonicalEvent[] {
    return normalizeRecord(raw);
  }

  pullDevices(cursor: string | null): Promise<Page> {
    return this.pulls.devices(cursor);
  }

  pullPatches(cursor: string | null): Promise<Page> {
    return this.pulls.patches(cursor);
  }

  getServices(device: ExternalRef): Promise<ServiceState[]> {
    return getServices(this.api, device, this.ctx.settings.pageSize);
  }

  planRollback(device: ExternalRef, patchId: string): Record<string, unknown> {
    const { computerId, body } = this.rollback.plan(device, patchId);
    return {
      request: `POST /cwa/api/v1/Computers/${computerId}/ScheduledScripts`,
      script: { id: body.ScriptId, parameters: body.Parameters },
      body,
      followedBy: `GET /cwa/api/v1/Computers/${computerId}/ScriptHistory (the run's result)`,
    };
  }

  runRollback(device: ExternalRef, patchId: string): Promise<RollbackJob> {
    return this.rollback.run(device, patchId);
  }

  rollbackResult(device: ExternalRef, jobId: string): Promise<RollbackResult> {
    return this.rollback.result(device, jobId);
  }
}
