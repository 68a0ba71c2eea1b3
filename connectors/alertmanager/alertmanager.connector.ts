import type {
  CapabilityReport,
  Connector,
  ConnectorContext,
  DeliveryMarker,
  ExternalRef,
  SilenceRequest,
  InboundRequest,
  Page,
  RawRecord,
  WebhookVerdict,
} from '../contract/connector';
import type { CanonicalEvent } from '../contract/canonical';
import { ConnectorError } from '../contract/connector-error';
import { probe } from '../shared/probe';
import { AlertmanagerClient } from './alertmanager.client';
import { toHealthEvent } from './alertmanager.mapper';
import { pullHealth } from './alertmanager.poll';
import { ALERT_RECORD } from './alertmanager.records';
import type { AlertmanagerSettings } from './alertmanager.settings';
import { expireSilence, silenceDevice } from './alertmanager.silences';
import { isAlertRecord } from './alertmanager.validate';
import { handleAlertmanagerWebhook } from './alertmanager.webhook';

export class AlertmanagerConnector implements Connector {
  private readonly client: AlertmanagerClient;

  constructor(private readonly ctx: ConnectorContext<AlertmanagerSettings>) {
    this.client = new AlertmanagerClient(ctx.http, ctx.settings);
  }

  /** health: the alert list answers; webhooks: the instance has a secret to check. */
  async check(): Promise<CapabilityReport> {
    let version = '';
    const status = await probe(async () => {
      version = await this.client.status();
    });
    const health =
      status.status === 'ok'
        ? await probe(async () => {
            await this.client.alerts({ receiver: this.ctx.settings.receiver, filters: [] });
          })
        : status;
    return {
      health: health.status === 'ok' ? { status: 'ok', detail: `Alertmanager ${version}` } : health,
      webhooks: this.ctx.webhookSecret
        ? { status: 'ok' }
        : { status: 'error', detail: 'the instance has no webhook secret' },
    };
  }

  normalize(raw: RawRecord): CanonicalEvent[] {
    if (raw.type !== ALERT_RECORD)
      throw ConnectorError.invalid(`alertmanager: unknown record type ${raw.type}`);
    if (!isAlertRecord(raw.payload)) throw ConnectorError.invalid('alertmanager: malformed alert');
    return [toHealthEvent(raw.payload, this.ctx.settings)];
  }

  pullHealth(cursor: string | null): Promise<Page> {
    return pullHealth(this.client, this.ctx.settings, this.ctx.clock(), cursor);
  }

  handleWebhook(req: InboundRequest): WebhookVerdict {
    return handleAlertmanagerWebhook(req, this.ctx.webhookSecret);
  }

  /** Quiets the device's alerts while a rollback runs, once per marker; null when set not to. */
  async silenceDevice(
    request: SilenceRequest,
    delivery: DeliveryMarker,
  ): Promise<ExternalRef | null> {
    if (!this.ctx.settings.silenceDuringRollback) return null;
    return silenceDevice(this.client, request, delivery, this.ctx.clock());
  }

  /** Expires a silence silenceDevice created; one already over or gone is left as it is. */
  expireSilence(silence: ExternalRef, _delivery?: DeliveryMarker): Promise<void> {
    return expireSilence(this.client, silence);
  }
}
