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
import { SlackWebhookClient } from './slack.client';
import { toSlackMessage } from './slack.mapper';
import type { SlackSettings } from './slack.settings';

export class SlackConnector implements Connector {
  private readonly client: SlackWebhookClient;

  constructor(private readonly ctx: ConnectorContext<SlackSettings>) {
    this.client = new SlackWebhookClient(ctx.http, ctx.settings.webhookUrl);
  }

  /** Any valid post would appear in the channel, so a check sends nothing. */
  async check(): Promise<CapabilityReport> {
    return {
      notify: {
        status: 'ok',
        detail:
          'settings complete; nothing is posted on a check (a revoked webhook shows on first use)',
      },
    };
  }

  normalize(raw: RawRecord): CanonicalEvent[] {
    throw ConnectorError.invalid(`slack: sends notifications only, no ${raw.type} records`);
  }

  /**
   * Incoming webhooks cannot dedupe: a retry after a lost answer posts the message again. The
   * outbox retries only failures, so that happens only when Slack's answer itself was lost.
   */
  async notify(message: PagingMessage, _delivery: DeliveryMarker): Promise<void> {
    if (belowThreshold(message, this.ctx.settings.minSeverity)) return;
    await this.client.post(toSlackMessage(message));
  }
}
