import { IsUrl } from 'class-validator';
import type {
  Connector,
  ConnectorContext,
  ConnectorDefinition,
  DeliveryMarker,
  ExternalRef,
  InboundRequest,
  RawRecord,
  SilenceRequest,
  WebhookVerdict,
} from '../../connectors/contract/connector';
import type { CanonicalEvent } from '../../connectors/contract/canonical';
import { toCanonical } from '../../connectors/generic/generic.mapper';
import type { GenericEvent } from '../../connectors/generic/generic.types';
import { handleGenericWebhook } from '../../connectors/generic/generic.webhook';
import { toConnectorError } from '../../connectors/shared/http';

export class FakeSilencerSettings {
  @IsUrl({ require_tld: false })
  baseUrl!: string;
}

/**
 * A monitoring tool that can silence a device (as Alertmanager does), speaking to a StubVendor:
 * `POST /silences` with the request and the marker answers `{id}`, `DELETE /silences/:id` lifts
 * it. Its devices arrive as generic events, so Switchboard links them like any tool's.
 */
class FakeSilencer implements Connector {
  constructor(private readonly ctx: ConnectorContext<FakeSilencerSettings>) {}
  async check() {
    return {};
  }
  handleWebhook(req: InboundRequest): WebhookVerdict {
    return handleGenericWebhook(req, this.ctx.webhookSecret);
  }
  normalize(raw: RawRecord): CanonicalEvent[] {
    return toCanonical(raw.payload as GenericEvent);
  }
  async silenceDevice(request: SilenceRequest, delivery: DeliveryMarker): Promise<ExternalRef> {
    try {
      const res = await this.ctx.http.post<{ id: string }>(
        `${this.ctx.settings.baseUrl}/silences`,
        {
          ...request,
          marker: delivery.marker,
        },
      );
      return { id: res.data.id };
    } catch (err) {
      throw toConnectorError('fake-silencer', err);
    }
  }
  async expireSilence(silence: ExternalRef): Promise<void> {
    try {
      await this.ctx.http.delete(`${this.ctx.settings.baseUrl}/silences/${silence.id}`);
    } catch (err) {
      throw toConnectorError('fake-silencer', err);
    }
  }
}

export const fakeSilencer: ConnectorDefinition<FakeSilencerSettings> = {
  kind: 'fake-silencer',
  displayName: 'fake-silencer',
  capabilities: ['webhooks', 'alerts.silence'],
  settings: FakeSilencerSettings,
  defaultPollSeconds: 3600,
  create: (ctx) => new FakeSilencer(ctx),
};
