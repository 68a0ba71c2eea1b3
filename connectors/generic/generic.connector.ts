import type { Connector, ConnectorContext, InboundRequest, RawRecord } from '../contract/connector';
import type { CanonicalEvent } from '../contract/canonical';
import { ConnectorError } from '../contract/connector-error';
import type { GenericSettings } from './generic.settings';
import type { GenericEvent } from './generic.types';
import { toCanonical } from './generic.mapper';
import { handleGenericWebhook } from './generic.webhook';

export class GenericConnector implements Connector {
  constructor(private readonly ctx: ConnectorContext<GenericSettings>) {}

  async check() {
    const ready = Boolean(this.ctx.webhookSecret);
    return {
      webhooks: ready
        ? { status: 'ok' as const }
        : { status: 'error' as const, detail: 'the instance has no webhook secret' },
    };
  }

  normalize(raw: RawRecord): CanonicalEvent[] {
    if (raw.type !== 'event')
      throw ConnectorError.invalid(`generic: unknown record type ${raw.type}`);
    return toCanonical(raw.payload as GenericEvent, this.ctx.settings.defaultClient);
  }

  handleWebhook(req: InboundRequest) {
    return handleGenericWebhook(req, this.ctx.webhookSecret, this.ctx.clock());
  }
}
