import type { ServiceState, CanonicalEvent } from '../contract/canonical';
import type {
  CapabilityReport,
  Connector,
  ConnectorContext,
  ExternalRef,
  InboundRequest,
  Page,
  RawRecord,
  RollbackJob,
  RollbackResult,
  WebhookVerdict,
} from '../contract/connector';
import { NinjaOneActions } from './ninjaone.actions';
import { checkNinjaOne } from './ninjaone.check';
import { NinjaOneClient } from './ninjaone.client';
import { normalizeRecord } from './ninjaone.mapper';
import { NinjaOnePulls } from './ninjaone.pulls';
import { NinjaOneRollback } from './ninjaone.rollback';
import type { NinjaOneSettings } from './ninjaone.settings';
import { handleNinjaOneWebhook } from './ninjaone.webhook';

export class NinjaOneConnector implements Connector {
  private readonly client: NinjaOneClient;
  private readonly pulls: NinjaOnePulls;
  private readonly actions: NinjaOneActions;
  private readonly rollback: NinjaOneRollback;

  constructor(private readonly ctx: ConnectorContext<NinjaOneSettings>) {
    this.client = new NinjaOneClient(ctx.http, ctx.settings, ctx.clock, ctx.saveSecret);
    this.pulls = new NinjaOnePulls(this.client, ctx.settings.pageSize, ctx.clock);
    this.actions = new NinjaOneActions(this.client);
    this.rollback = new NinjaOneRollback(this.client, ctx.settings, ctx.clock);
  }

  check(): Promise<CapabilityReport> {
    return checkNinjaOne(this.client, this.ctx.settings, this.ctx.webhookSecret);
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

  pullHealth(cursor: string | null): Promise<Page> {
    return this.pulls.activities(cursor);
  }

  getServices(device: ExternalRef): Promise<ServiceState[]> {
    return this.actions.getServices(device);
  }

  handleWebhook(req: InboundRequest): WebhookVerdict {
    return handleNinjaOneWebhook(req, this.ctx.settings.webhookHeaderName, this.ctx.webhookSecret);
  }

  planRollback(device: ExternalRef, patchId: string): Record<string, unknown> {
    const { deviceId, body } = this.rollback.plan(device, patchId);
    return {
      request: `POST /v2/device/${deviceId}/script/run`,
      script: { id: body.id, parameters: body.parameters, runAs: body.runAs },
      followedBy: `GET /v2/device/${deviceId}/activities (the run's result)`,
    };
  }

  runRollback(device: ExternalRef, patchId: string): Promise<RollbackJob> {
    return this.rollback.run(device, patchId);
  }

  rollbackResult(device: ExternalRef, jobId: string): Promise<RollbackResult> {
    return this.rollback.result(device, jobId);
  }
}
