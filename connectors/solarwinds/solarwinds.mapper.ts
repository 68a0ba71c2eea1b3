import type {
  DeviceRef,
  DeviceSeen,
  HealthKind,
  HealthSeen,
  Severity,
} from '../contract/canonical';
import { ConnectorError } from '../contract/connector-error';
import { clientOf } from './solarwinds.client-mapping';
import type { SolarWindsSettings } from './solarwinds.settings';
import { STATUS_DOWN, STATUS_UP } from './solarwinds.status';
import { parseSwisDate } from './solarwinds.time';
import type {
  SwisActiveAlert,
  SwisAlertHistory,
  SwisComponent,
  SwisNodeRecord,
  SwisNodeStatus,
  SwisStatusChange,
} from './solarwinds.types';

/** Orion.AlertConfigurations.Severity (S3): 0 Information, 1 Warning, 2 Critical, 3 Serious, 4 Notice. */
const SEVERITY_BY_NUMBER: Record<number, Severity> = {
  0: 'info',
  1: 'moderate',
  2: 'critical',
  3: 'important',
  4: 'low',
};
const SEVERITY_BY_NAME: Record<string, Severity> = {
  information: 'info',
  informational: 'info',
  warning: 'moderate',
  critical: 'critical',
  serious: 'important',
  notice: 'low',
};

/** A number (the poll) or, from an alert action, a number or a name (UNCONFIRMED which). */
export function toSeverity(value: number | string | undefined): Severity | undefined {
  if (typeof value === 'number') return SEVERITY_BY_NUMBER[value];
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d$/.test(text)) return SEVERITY_BY_NUMBER[Number(text)];
  return SEVERITY_BY_NAME[text.toLowerCase()];
}

function present(value: string | null | undefined): string | undefined {
  const text = value?.trim();
  return text ? text : undefined;
}

export function toDevice(record: SwisNodeRecord, settings: SolarWindsSettings): DeviceSeen {
  const { node } = record;
  return {
    type: 'device',
    sourceId: String(node.NodeID),
    client: clientOf(record, settings),
    device: {
      externalId: String(node.NodeID),
      hostname: node.Caption,
      fqdn: present(node.DNS),
      ip: present(node.IPAddress),
    },
    displayName: node.Caption,
    os: present(node.MachineType),
    // Unmanaged nodes are not polled: their status says nothing about being online.
    online: node.UnManaged
      ? undefined
      : node.Status === STATUS_UP
        ? true
        : node.Status === STATUS_DOWN
          ? false
          : undefined,
    lastBootAt: parseSwisDate(node.LastBoot),
  };
}

/** What an alert is about, from the triggering entity's SWIS type. */
export type AlertTarget = 'device' | 'service' | 'check';

export function alertTarget(entityType: string | null | undefined): AlertTarget {
  if (entityType === 'Orion.Nodes') return 'device';
  if (entityType && /^Orion\.APM\.[A-Za-z]*Component/.test(entityType)) return 'service';
  return 'check';
}

const KINDS: Record<AlertTarget, [HealthKind, HealthKind]> = {
  device: ['device.down', 'device.up'],
  service: ['service.down', 'service.up'],
  check: ['check.failed', 'check.ok'],
};

export interface AlertFacts {
  target: AlertTarget;
  problem: boolean;
  nodeId?: number | string;
  nodeCaption?: string;
  entityCaption?: string;
  alertName?: string;
  alertActiveId?: number | string;
  alertObjectId?: number | string;
  severity?: number | string;
  occurredAt: Date;
  message?: string;
}

/** One alert fact (trigger or reset) → its health event; none without a node to pin it on. */
export function toHealthFromAlert(f: AlertFacts): HealthSeen[] {
  const device: DeviceRef = {
    externalId: f.nodeId !== undefined ? String(f.nodeId) : undefined,
    hostname: present(f.nodeCaption),
  };
  // Cumulative alerts and objects without a node (groups, …) name no device.
  if (!device.externalId && !device.hostname) return [];
  const subject =
    f.target === 'service'
      ? present(f.entityCaption)
      : f.target === 'check'
        ? (present(f.alertName) ?? present(f.entityCaption))
        : undefined;
  return [
    {
      type: 'health',
      sourceId: f.alertActiveId !== undefined ? String(f.alertActiveId) : undefined,
      occurredAt: f.occurredAt,
      device,
      kind: KINDS[f.target][f.problem ? 0 : 1],
      ...(subject !== undefined && { subject }),
      severity: f.problem ? toSeverity(f.severity) : undefined,
      // The verbs take AlertObjectID: the handle pushAlertNote gets back as target.id.
      problemId: f.alertObjectId !== undefined ? String(f.alertObjectId) : undefined,
      message: present(f.message) ?? present(f.alertName),
    },
  ];
}

function required(at: Date | undefined, what: string): Date {
  if (!at) throw ConnectorError.invalid(`solarwinds: ${what} is not a readable date`);
  return at;
}

export function toHealthFromActive(a: SwisActiveAlert): HealthSeen[] {
  return toHealthFromAlert({
    target: alertTarget(a.EntityType),
    problem: true,
    nodeId: a.RelatedNodeId ?? undefined,
    nodeCaption: a.RelatedNodeCaption ?? undefined,
    entityCaption: a.EntityCaption ?? undefined,
    alertName: a.AlertName,
    alertActiveId: a.AlertActiveID,
    alertObjectId: a.AlertObjectID,
    severity: a.Severity,
    occurredAt: required(parseSwisDate(a.TriggeredDateTime), 'TriggeredDateTime'),
    message: a.TriggeredMessage ?? undefined,
  });
}

export function toHealthFromHistory(h: SwisAlertHistory, reset: boolean): HealthSeen[] {
  return toHealthFromAlert({
    target: alertTarget(h.EntityType),
    problem: !reset,
    nodeId: h.RelatedNodeId ?? undefined,
    nodeCaption: h.RelatedNodeCaption ?? undefined,
    entityCaption: h.EntityCaption ?? undefined,
    alertName: h.AlertName,
    alertActiveId: h.AlertActiveID,
    alertObjectId: h.AlertObjectID,
    severity: h.Severity,
    occurredAt: required(parseSwisDate(h.TimeStamp), 'TimeStamp'),
    message: h.Message ?? undefined,
  });
}

export function toHealthFromNodeStatus(change: SwisStatusChange<SwisNodeStatus>): HealthSeen[] {
  const { row } = change;
  const down = change.state === 'down';
  return [
    {
      type: 'health',
      occurredAt: required(parseSwisDate(change.observedAt), 'observedAt'),
      device: {
        externalId: String(row.NodeID),
        hostname: row.Caption,
        fqdn: present(row.DNS),
        ip: present(row.IPAddress),
      },
      kind: down ? 'device.down' : 'device.up',
      severity: down ? 'critical' : undefined,
      message: present(row.StatusDescription) ?? `Node ${row.Caption} is ${down ? 'down' : 'up'}`,
    },
  ];
}

export function toHealthFromComponentStatus(change: SwisStatusChange<SwisComponent>): HealthSeen[] {
  const { row } = change;
  const down = change.state === 'down';
  // The component's own last poll says when Orion saw the change; the poll time otherwise.
  const at = parseSwisDate(row.LastPoll) ?? parseSwisDate(change.observedAt);
  return [
    {
      type: 'health',
      occurredAt: required(at, 'observedAt'),
      device: { externalId: String(row.NodeID), hostname: present(row.NodeCaption) },
      kind: down ? 'service.down' : 'service.up',
      subject: row.Name,
      severity: down ? 'critical' : undefined,
      message: down ? (present(row.ErrorMessage) ?? `${row.Name} is down`) : `${row.Name} is up`,
    },
  ];
}
