import type { CanonicalEvent, ServiceState } from '../contract/canonical';
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
import { ConnectorError } from '../contract/connector-error';
import { probe } from '../shared/probe';
import { pushAlertNote } from './solarwinds.actions';
import { SwisClient } from './solarwinds.client';
import {
  toDevice,
  toHealthFromActive,
  toHealthFromComponentStatus,
  toHealthFromHistory,
  toHealthFromNodeStatus,
} from './solarwinds.mapper';
import { SolarWindsPulls } from './solarwinds.pulls';
import { CHECK_ALERTS, CHECK_NODES, HISTORY_RESET, HISTORY_TRIGGERED } from './solarwinds.queries';
import {
  ACTIVE_ALERT_RECORD,
  ALERT_ACTION_RECORD,
  ALERT_HISTORY_RECORD,
  COMPONENT_STATUS_RECORD,
  NODE_RECORD,
  NODE_STATUS_RECORD,
} from './solarwinds.records';
import { getServices } from './solarwinds.services';
import type { SolarWindsSettings } from './solarwinds.settings';
import type {
  SwisAlertActionRecord,
  SwisComponent,
  SwisNodeRecord,
  SwisNodeStatus,
  SwisStatusChange,
} from './solarwinds.types';
import {
  isActiveAlert,
  isAlertHistory,
  isComponent,
  isNode,
  isNodeStatus,
  isObj,
} from './solarwinds.validate';
import {
  alertActionProblems,
  handleAlertAction,
  toHealthFromAlertAction,
} from './solarwinds.webhook';

function isChange<R>(
  payload: unknown,
  row: (v: unknown) => v is R,
): payload is SwisStatusChange<R> {
  return (
    isObj(payload) &&
    (payload.state === 'down' || payload.state === 'up') &&
    typeof payload.observedAt === 'string' &&
    row(payload.row)
  );
}

export class SolarWindsConnector implements Connector {
  private readonly client: SwisClient;
  private readonly pulls: SolarWindsPulls;

  constructor(private readonly ctx: ConnectorContext<SolarWindsSettings>) {
    this.client = new SwisClient(ctx.http, ctx.settings);
    this.pulls = new SolarWindsPulls(this.client, ctx.settings, ctx.clock);
  }

  /** Read probes; the clearEvents right the verbs need only shows on first use. */
  async check(): Promise<CapabilityReport> {
    const devices = await probe(async () => {
      await this.client.query(CHECK_NODES);
    });
    const health = await probe(async () => {
      await this.client.query(CHECK_ALERTS);
    });
    return {
      devices,
      health,
      services: devices,
      'alerts.note':
        health.status === 'ok'
          ? { status: 'ok', detail: 'alerts readable; the clearEvents right is checked on use' }
          : health,
      webhooks: this.ctx.webhookSecret
        ? { status: 'ok' }
        : { status: 'error', detail: 'the instance has no webhook secret' },
    };
  }

  normalize(raw: RawRecord): CanonicalEvent[] {
    const { payload } = raw;
    const bad = (what: string) => ConnectorError.invalid(`solarwinds: malformed ${what} record`);
    switch (raw.type) {
      case NODE_RECORD:
        if (!isObj(payload) || !isNode(payload.node)) throw bad('node');
        return [toDevice(payload as unknown as SwisNodeRecord, this.ctx.settings)];
      case ACTIVE_ALERT_RECORD:
        if (!isActiveAlert(payload)) throw bad('active alert');
        return toHealthFromActive(payload);
      case ALERT_HISTORY_RECORD:
        if (!isAlertHistory(payload)) throw bad('alert history');
        if (payload.EventType !== HISTORY_TRIGGERED && payload.EventType !== HISTORY_RESET)
          return [];
        return toHealthFromHistory(payload, payload.EventType === HISTORY_RESET);
      case NODE_STATUS_RECORD:
        if (!isChange<SwisNodeStatus>(payload, isNodeStatus)) throw bad('node status');
        return toHealthFromNodeStatus(payload);
      case COMPONENT_STATUS_RECORD:
        if (!isChange<SwisComponent>(payload, isComponent)) throw bad('component status');
        return toHealthFromComponentStatus(payload);
      case ALERT_ACTION_RECORD: {
        const record = isObj(payload) ? payload : {};
        const problems = alertActionProblems(record.body);
        if (problems.length > 0 || typeof record.receivedAt !== 'string')
          throw ConnectorError.invalid(
            `solarwinds alert action: ${problems.join('; ') || 'no receivedAt'}`,
          );
        return toHealthFromAlertAction(record as unknown as SwisAlertActionRecord);
      }
      default:
        throw ConnectorError.invalid(`solarwinds: unknown record type ${raw.type}`);
    }
  }

  pullDevices(cursor: string | null): Promise<Page> {
    return this.pulls.devices(cursor);
  }

  pullHealth(cursor: string | null): Promise<Page> {
    return this.pulls.health(cursor);
  }

  getServices(device: ExternalRef): Promise<ServiceState[]> {
    return getServices(this.client, this.ctx.settings, device);
  }

  handleWebhook(req: InboundRequest): WebhookVerdict {
    return handleAlertAction(req, this.ctx.webhookSecret, this.ctx.clock());
  }

  pushAlertNote(target: ExternalRef, text: string, delivery?: DeliveryMarker): Promise<void> {
    return pushAlertNote(this.client, target, text, this.ctx.settings.acknowledgeOnNote, delivery);
  }
}
