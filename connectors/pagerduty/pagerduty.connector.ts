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
import { PagerDutyClient } from './pagerduty.client';
import { toPagerDutyEvent } from './pagerduty.mapper';
import type { PagerDutySettings } from './pagerduty.settings';

export class PagerDutyConnector implements Connector {
  private readonly client: PagerDutyClient;

  constructor(private readonly ctx: ConnectorContext<PagerDutySettings>) {
    const { baseUrl, routingKey } = ctx.settings;
    this.client = new PagerDutyClient(ctx.http, baseUrl, routingKey);
  }

  /**
   * The Events API has no call that validates a routing key without creating an alert, so a
   * check sends nothing: it reports the settings complete. A wrong key shows on the first page.
   */
  async check(): Promise<CapabilityReport> {
    return {
      notify: {
        status: 'ok',
        detail: 'settings complete; nothing is sent on a check (a wrong key shows on first use)',
      },
    };
  }

  normalize(raw: RawRecord): CanonicalEvent[] {
    throw ConnectorError.invalid(`pagerduty: sends notifications only, no ${raw.type} records`);
  }

  /** The delivery marker is not needed: the dedup_key makes a retried event land on one alert. */
  async notify(message: PagingMessage, _delivery: DeliveryMarker): Promise<void> {
    if (belowThreshold(message, this.ctx.settings.minSeverity)) return;
    await this.client.enqueue(toPagerDutyEvent(message, this.ctx.settings.routingKey));
  }
}
