/**
 * Raw SWIS shapes, named after the SWIS entities they come from. Rows are what our own SWQL
 * SELECTs return (property names as selected, aliases as written in solarwinds.queries.ts).
 * Date/time values arrive as JSON strings whose exact format and zone are UNCONFIRMED.
 */

/** `{ "results": [...] }`, plus `totalRows` with WITH TOTALROWS (never used here). */
export interface SwisQueryResult {
  results: unknown[];
  totalRows?: number;
}

/** The error object SWIS returns with 4xx/5xx (what the official clients read). */
export interface SwisErrorBody {
  Message?: string;
  ExceptionType?: string;
  FullException?: string;
}

/** Orion.Nodes, as pullDevices selects it. */
export interface SwisNode {
  NodeID: number;
  Caption: string;
  IPAddress: string | null;
  DNS: string | null;
  SysName: string | null;
  Vendor: string | null;
  MachineType: string | null;
  Status: number;
  StatusDescription: string | null;
  LastBoot: string | null;
  UnManaged: boolean;
  DetailsUrl: string | null;
  Uri: string | null;
  /** n.CustomProperties.<clientProperty> AS ClientName, when clientSource is customProperty. */
  ClientName?: string | null;
}

/** Orion.ContainerMembers joined with Orion.Container: one group a node belongs to. */
export interface SwisGroupMembership {
  MemberPrimaryID: number;
  ContainerID: number;
  GroupName: string;
}

/** The `node` record: a node and, with clientSource "group", its groups. */
export interface SwisNodeRecord {
  node: SwisNode;
  groups?: { ContainerID: number; GroupName: string }[];
}

/** Orion.Nodes as the status poll selects it. */
export interface SwisNodeStatus {
  NodeID: number;
  Caption: string;
  DNS: string | null;
  IPAddress: string | null;
  Status: number;
  StatusDescription: string | null;
  UnManaged: boolean;
}

/** Orion.APM.Component + Application (+ CurrentStatus, ComponentDefinition navigation). */
export interface SwisComponent {
  ComponentID: number;
  Name: string;
  Status: number;
  StatusDescription: string | null;
  Disabled: boolean;
  UnManaged: boolean;
  LastPoll: string | null;
  LastTimeUp: string | null;
  ErrorMessage: string | null;
  ApplicationID: number;
  ApplicationName: string | null;
  NodeID: number;
  NodeCaption: string | null;
  MonitorType: string | null;
}

/** Orion.AlertActive + AlertObjects + AlertConfigurations (the §5.2 join). */
export interface SwisActiveAlert {
  AlertActiveID: number;
  AlertObjectID: number;
  TriggeredDateTime: string;
  TriggeredMessage: string | null;
  Acknowledged: boolean | null;
  AcknowledgedBy: string | null;
  AcknowledgedDateTime: string | null;
  NumberOfNotes: number | null;
  AlertID: number;
  EntityUri: string | null;
  EntityType: string | null;
  EntityCaption: string | null;
  EntityDetailsUrl: string | null;
  RelatedNodeId: number | null;
  RelatedNodeCaption: string | null;
  AlertName: string;
  Severity: number;
  ObjectType: string | null;
}

/** Orion.AlertHistory + AlertObjects + AlertConfigurations: one trigger (0) or reset (1). */
export interface SwisAlertHistory {
  AlertHistoryID: number;
  EventType: number;
  Message: string | null;
  TimeStamp: string;
  AlertActiveID: number;
  AlertObjectID: number;
  AlertID: number;
  EntityType: string | null;
  EntityCaption: string | null;
  RelatedNodeId: number | null;
  RelatedNodeCaption: string | null;
  AlertName: string;
  Severity: number;
}

/** A status transition the poll saw (nodes or service components), with its sequence. */
export interface SwisStatusChange<Row> {
  row: Row;
  state: 'down' | 'up';
  /** When the poll saw it (ISO); components use their own last poll time when they have one. */
  observedAt: string;
}

/**
 * The body of the alert action "Send a GET or POST request to a web server" (README, §7.3 of
 * the API notes): every value a string; a variable Orion could not resolve stays `${…}`.
 */
export interface SwisAlertActionBody {
  event_type: string;
  alert_id?: string;
  alert_name?: string;
  alert_object_id?: string;
  alert_active_id?: string;
  severity?: string;
  object_type?: string;
  entity_type?: string;
  message?: string;
  details_url?: string;
  acknowledge_url?: string;
  entity_caption?: string;
  entity_status?: string;
  node_caption?: string;
  node_id?: string;
  triggered_at?: string;
}

/** The `alert-action` record: the body as received and when Switchboard received it. */
export interface SwisAlertActionRecord {
  body: SwisAlertActionBody;
  receivedAt: string;
}
