import { ConnectorError } from '../contract/connector-error';
import type {
  SwisActiveAlert,
  SwisAlertHistory,
  SwisComponent,
  SwisGroupMembership,
  SwisNode,
  SwisNodeStatus,
} from './solarwinds.types';

type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** SWIS ids are JSON numbers (Int32/Int64); ids we handle stay within 2^53. */
export function isIdNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

const isText = (v: unknown): v is string => typeof v === 'string';
const isTextOrNull = (v: unknown) => v === null || v === undefined || typeof v === 'string';
const isBool = (v: unknown) => typeof v === 'boolean';
const isIdOrNull = (v: unknown) => v === null || v === undefined || isIdNumber(v);

export function isNode(v: unknown): v is SwisNode {
  return (
    isObj(v) &&
    isIdNumber(v.NodeID) &&
    isText(v.Caption) &&
    typeof v.Status === 'number' &&
    isBool(v.UnManaged) &&
    ['IPAddress', 'DNS', 'SysName', 'Vendor', 'MachineType', 'LastBoot', 'ClientName'].every((k) =>
      isTextOrNull(v[k]),
    )
  );
}

export function isGroupMembership(v: unknown): v is SwisGroupMembership {
  return (
    isObj(v) && isIdNumber(v.MemberPrimaryID) && isIdNumber(v.ContainerID) && isText(v.GroupName)
  );
}

export function isNodeStatus(v: unknown): v is SwisNodeStatus {
  return (
    isObj(v) &&
    isIdNumber(v.NodeID) &&
    isText(v.Caption) &&
    typeof v.Status === 'number' &&
    isBool(v.UnManaged) &&
    isTextOrNull(v.DNS) &&
    isTextOrNull(v.IPAddress)
  );
}

export function isComponent(v: unknown): v is SwisComponent {
  return (
    isObj(v) &&
    isIdNumber(v.ComponentID) &&
    isText(v.Name) &&
    typeof v.Status === 'number' &&
    isBool(v.Disabled) &&
    isBool(v.UnManaged) &&
    isIdNumber(v.NodeID) &&
    isTextOrNull(v.NodeCaption) &&
    isTextOrNull(v.LastPoll)
  );
}

export function isActiveAlert(v: unknown): v is SwisActiveAlert {
  return (
    isObj(v) &&
    isIdNumber(v.AlertActiveID) &&
    isIdNumber(v.AlertObjectID) &&
    isIdNumber(v.AlertID) &&
    isText(v.TriggeredDateTime) &&
    isText(v.AlertName) &&
    typeof v.Severity === 'number' &&
    isIdOrNull(v.RelatedNodeId) &&
    isTextOrNull(v.EntityType) &&
    isTextOrNull(v.EntityCaption) &&
    isTextOrNull(v.RelatedNodeCaption)
  );
}

export function isAlertHistory(v: unknown): v is SwisAlertHistory {
  return (
    isObj(v) &&
    isIdNumber(v.AlertHistoryID) &&
    typeof v.EventType === 'number' &&
    isText(v.TimeStamp) &&
    isIdNumber(v.AlertActiveID) &&
    isIdNumber(v.AlertObjectID) &&
    isIdNumber(v.AlertID) &&
    isText(v.AlertName) &&
    typeof v.Severity === 'number' &&
    isIdOrNull(v.RelatedNodeId) &&
    isTextOrNull(v.EntityType) &&
    isTextOrNull(v.EntityCaption) &&
    isTextOrNull(v.RelatedNodeCaption)
  );
}

/** Every row must have the shape, or the whole answer is refused naming the query. */
export function expectRows<T>(what: string, rows: unknown[], guard: (v: unknown) => v is T): T[] {
  const bad = rows.findIndex((r) => !guard(r));
  if (bad >= 0)
    throw ConnectorError.invalid(`solarwinds ${what}: row ${bad + 1} has an unexpected shape`);
  return rows as T[];
}
