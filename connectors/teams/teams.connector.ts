import type {
  CapabilityReport,
  Connector,
  ConnectorContext,
  DeliveryMarker,
  PagingMessage,
  RawRecord,
} from '../contract/connector';
import type { CanonicalEvent } from '../contract/canonical';
import { ConnectorError } from '../contract/connector-error';
import { belowThreshold } from '../shared/notify';
import { TeamsWebhookClient } from './teams.client';
import { toAdaptiveCardMessage, toMessageCard } from './teams.mapper';
import type { TeamsSettings } from './teams.settings';

/** Microsoft retired these connectors; a URL on this host may stop working at any time. */
const LEGACY_HOST = /(^|\.)webhook\.office\.com$/i;

export class TeamsConnector implements Connector {
  private readonly client: TeamsWebhookClient;

  constructor(private readonly ctx: ConnectorContext<TeamsSettings>) {
    this.client = new TeamsWebhookClient(ctx.http, ctx.settings.webhookUrl);
  }

  /** Any accepted post would appear in the channel, so a check sends nothing. */
  async check(): Promise<CapabilityReport> {
    const legacy = LEGACY_HOST.test(new URL(this.ctx.settings.webhookUrl).hostname);
    return {
      notify: {
        status: 'ok',
        detail: legacy
          ? 'settings complete; nothing is posted on a check. This is a retired Office 365 connector URL: replace it with a Workflows webhook'
          : 'settings complete; nothing is posted on a check (a deleted workflow shows on first use)',
      },
    };
  }

  normalize(raw: RawRecord): CanonicalEvent[] {
    throw ConnectorError.invalid(`teams: sends notifications only, no ${raw.type} records`);
  }

  /** Webhooks cannot dedupe: a retry after a lost answer posts the card again. */
  async notify(message: PagingMessage, _delivery: DeliveryMarker): Promise<void> {
    const { minSeverity, format } = this.ctx.settings;
    if (belowThreshold(message, minSeverity)) return;
    await this.client.post(
      format === 'messagecard' ? toMessageCard(message) : toAdaptiveCardMessage(message),
    );
  }
}
