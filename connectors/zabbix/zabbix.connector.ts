import type {
  CapabilityReport,
  Connector,
  ConnectorContext,
  DeliveryMarker,
  ExternalRef,
  InboundRequest,
  Page,
  RawRecord,
  WebhookVerdict,
} from '../contract/connector';
import type { CanonicalEvent } from '../contract/canonical';
import { ConnectorError } from '../contract/connector-error';
import { probe } from '../shared/probe';
import { pushAlertNote } from './zabbix.actions';
import { ZabbixClient } from './zabbix.client';
import { groupMapping, type GroupMapping } from './zabbix.group-mapping';
import { toClients, toDevice, toHealthFromEvent, toHealthFromWebhook } from './zabbix.mapper';
import { EVENT_RECORD, HOST_RECORD, HOSTGROUP_RECORD, ZabbixPulls } from './zabbix.pulls';
import type { ZabbixSettings } from './zabbix.settings';
import type { ZabbixWebhookBody } from './zabbix.types';
import { isEventRecord, isHost, isHostGroup } from './zabbix.validate';
import { handleZabbixWebhook, WEBHOOK_RECORD, webhookProblems } from './zabbix.webhook';

export class ZabbixConnector implements Connector {
  private readonly client: ZabbixClient;
  private readonly pulls: ZabbixPulls;
  private readonly mapping: GroupMapping;

  constructor(private readonly ctx: ConnectorContext<ZabbixSettings>) {
    this.client = new ZabbixClient(ctx.http, ctx.settings);
    this.pulls = new ZabbixPulls(this.client, ctx.settings, ctx.clock);
    this.mapping = groupMapping(ctx.settings);
  }

  /** Read probes per capability; write rights (acknowledge) only show on first use. */
  async check(): Promise<CapabilityReport> {
    const devices = await probe(async () => {
      await this.client.call('host.get', { output: ['hostid'], limit: 1 });
    });
    const health = await probe(async () => {
      await this.client.call('event.get', { output: ['eventid'], source: 0, object: 0, limit: 1 });
    });
    return {
      devices,
      health,
      'alerts.note':
        health.status === 'ok'
          ? { status: 'ok', detail: 'problems readable; acknowledge rights are checked on use' }
          : health,
      webhooks: this.ctx.webhookSecret
        ? { status: 'ok' }
        : { status: 'error', detail: 'the instance has no webhook secret' },
    };
  }

  normalize(raw: RawRecord): CanonicalEvent[] {
    const { payload } = raw;
    const tags = this.ctx.settings.serviceTags;
    switch (raw.type) {
      case HOSTGROUP_RECORD:
        if (!isHostGroup(payload)) throw ConnectorError.invalid('zabbix: malformed host group');
        return toClients(payload, this.mapping);
      case HOST_RECORD:
        if (!isHost(payload)) throw ConnectorError.invalid('zabbix: malformed host');
        return [toDevice(payload, this.mapping)];
      case EVENT_RECORD:
        if (!isEventRecord(payload)) throw ConnectorError.invalid('zabbix: malformed event');
        return toHealthFromEvent(payload, tags);
      case WEBHOOK_RECORD: {
        const problems = webhookProblems(payload);
        if (problems.length > 0) throw ConnectorError.invalid(`zabbix: ${problems.join('; ')}`);
        return toHealthFromWebhook(payload as ZabbixWebhookBody, tags);
      }
      default:
        throw ConnectorError.invalid(`zabbix: unknown record type ${raw.type}`);
    }
  }

  pullDevices(cursor: string | null): Promise<Page> {
    return this.pulls.devices(cursor);
  }

  pullHealth(cursor: string | null): Promise<Page> {
    return this.pulls.health(cursor);
  }

  handleWebhook(req: InboundRequest): WebhookVerdict {
    return handleZabbixWebhook(req, this.ctx.webhookSecret);
  }

  pushAlertNote(target: ExternalRef, text: string, delivery?: DeliveryMarker): Promise<void> {
    return pushAlertNote(this.client, target, text, this.ctx.settings.acknowledgeOnNote, delivery);
  }
}
