import type { Rows } from './solarwinds.swql';

/**
 * In-memory Orion: nodes (with a "Client" custom property), groups, SAM Windows-service
 * monitors, and the alerting tables (AlertConfigurations, AlertObjects, AlertActive,
 * AlertHistory) that two built-in alert definitions fill as nodes and services go down and up.
 */

export const SWIS_HOST = 'orion-standin.local';
export const NODE_DOWN_ALERT = { AlertID: 12, Name: 'Node is down', ObjectType: 'Node' };
export const SERVICE_DOWN_ALERT = {
  AlertID: 77,
  Name: 'Windows service down',
  ObjectType: 'APM: Component',
};
/** The definition name SAM is believed to use for the Windows service monitor (UNCONFIRMED). */
export const WINDOWS_SERVICE_MONITOR = 'Windows Service Monitor';

/** History EventType (S3). */
const TRIGGERED = 0;
const RESET = 1;
const ACKNOWLEDGED = 2;
const NOTE = 3;

export interface NewNode {
  caption: string;
  ip: string;
  dns?: string;
  client?: string;
  machineType?: string;
  status?: 1 | 2;
}

interface Node {
  NodeID: number;
  Caption: string;
  IPAddress: string;
  DNS: string;
  MachineType: string;
  Status: number;
  LastBoot: string;
  UnManaged: boolean;
  client: string | null;
}

interface Component {
  ComponentID: number;
  Name: string;
  ApplicationID: number;
  NodeID: number;
  Status: number;
  LastPoll: string;
  LastTimeUp: string | null;
  ErrorMessage: string | null;
}

interface AlertObject {
  AlertObjectID: number;
  AlertID: number;
  EntityUri: string;
  EntityType: string;
  EntityCaption: string;
  EntityDetailsUrl: string;
  RelatedNodeId: number;
  RelatedNodeCaption: string;
  AlertNote: string | null;
  key: string;
}

interface AlertActive {
  AlertActiveID: number;
  AlertObjectID: number;
  TriggeredDateTime: string;
  TriggeredMessage: string;
  Acknowledged: boolean;
  AcknowledgedBy: string | null;
  AcknowledgedDateTime: string | null;
  NumberOfNotes: number;
}

interface AlertHistory {
  AlertHistoryID: number;
  EventType: number;
  Message: string | null;
  TimeStamp: string;
  AccountID: string | null;
  AlertActiveID: number;
  AlertObjectID: number;
}

/** What happened to an alert, for the alert action (trigger or reset). */
export interface AlertEvent {
  event: 'TRIGGER' | 'RESET';
  active: AlertActive;
  object: AlertObject;
}

/** SWIS writes DateTime with seven fractional digits (API notes §5.1; format UNCONFIRMED). */
export function swisDate(at: Date): string {
  return at.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

export class SolarWindsState {
  protected readonly nodes: Node[] = [];
  protected readonly groups: { ContainerID: number; Name: string; members: number[] }[] = [];
  protected readonly applications: { ApplicationID: number; Name: string; NodeID: number }[] = [];
  protected readonly components: Component[] = [];
  protected readonly alertObjects: AlertObject[] = [];
  protected readonly alertActive: AlertActive[] = [];
  protected readonly history: AlertHistory[] = [];
  private nextId = {
    node: 100,
    group: 1,
    app: 300,
    component: 4400,
    object: 5500,
    active: 90400,
    history: 700000,
  };
  private readonly listeners: ((e: AlertEvent) => void)[] = [];

  constructor(readonly now: () => Date = () => new Date()) {}

  addNode(n: NewNode): number {
    const id = ++this.nextId.node;
    this.nodes.push({
      NodeID: id,
      Caption: n.caption,
      IPAddress: n.ip,
      DNS: n.dns ?? '',
      MachineType: n.machineType ?? 'Windows 2019 Server',
      Status: n.status ?? 1,
      LastBoot: swisDate(new Date(this.now().getTime() - 86_400_000)),
      UnManaged: false,
      client: n.client ?? null,
    });
    return id;
  }

  /** An Orion group (container) holding nodes. */
  addGroup(name: string, nodeIds: number[]): number {
    const id = ++this.nextId.group;
    this.groups.push({ ContainerID: id, Name: name, members: [...nodeIds] });
    return id;
  }

  /** A SAM Windows Service Monitor component on the node's "Windows services" application. */
  addServiceMonitor(nodeId: number, serviceName: string): number {
    this.node(nodeId);
    let app = this.applications.find((a) => a.NodeID === nodeId);
    if (!app) {
      app = { ApplicationID: ++this.nextId.app, Name: 'Windows services', NodeID: nodeId };
      this.applications.push(app);
    }
    const id = ++this.nextId.component;
    const at = swisDate(this.now());
    this.components.push({
      ComponentID: id,
      Name: serviceName,
      ApplicationID: app.ApplicationID,
      NodeID: nodeId,
      Status: 1,
      LastPoll: at,
      LastTimeUp: at,
      ErrorMessage: null,
    });
    return id;
  }

  /** Orion polls the node as down; the "Node is down" alert triggers. */
  setNodeDown(nodeId: number, at: Date = this.now()): number {
    const node = this.node(nodeId);
    node.Status = 2;
    return this.trigger(
      NODE_DOWN_ALERT.AlertID,
      this.nodeObject(node),
      `Node ${node.Caption} is down`,
      at,
    );
  }

  /** The node answers again (after a reboot LastBoot moves); the alert resets. */
  setNodeUp(nodeId: number, at: Date = this.now(), rebooted = false): void {
    const node = this.node(nodeId);
    node.Status = 1;
    if (rebooted) node.LastBoot = swisDate(at);
    this.reset(`${NODE_DOWN_ALERT.AlertID}:N:${nodeId}`, at);
  }

  /** The monitored service stopped: component Down, "Windows service down" triggers. */
  setServiceDown(componentId: number, at: Date = this.now(), error = 'Service is stopped'): number {
    const c = this.component(componentId);
    c.Status = 2;
    c.LastPoll = swisDate(at);
    c.ErrorMessage = error;
    const node = this.node(c.NodeID);
    const object = this.componentObject(c, node);
    return this.trigger(
      SERVICE_DOWN_ALERT.AlertID,
      object,
      `${c.Name} on ${node.Caption} is down`,
      at,
    );
  }

  setServiceUp(componentId: number, at: Date = this.now()): void {
    const c = this.component(componentId);
    c.Status = 1;
    c.LastPoll = swisDate(at);
    c.LastTimeUp = swisDate(at);
    c.ErrorMessage = null;
    this.reset(`${SERVICE_DOWN_ALERT.AlertID}:AM:${componentId}`, at);
  }

  onAlert(listener: (e: AlertEvent) => void): void {
    this.listeners.push(listener);
  }

  /** The notes appended to an alert object (AppendNote and Acknowledge), oldest first. */
  notes(alertObjectId: number): string[] {
    return this.history
      .filter(
        (h) =>
          h.AlertObjectID === alertObjectId &&
          (h.EventType === NOTE || h.EventType === ACKNOWLEDGED),
      )
      .map((h) => h.Message ?? '');
  }

  isAcknowledged(alertObjectId: number): boolean {
    return this.alertActive.some((a) => a.AlertObjectID === alertObjectId && a.Acknowledged);
  }

  /** Orion.AlertActive.AppendNote: false when no id names an alert object. */
  appendNote(ids: number[], note: string, account: string): boolean {
    const objects = this.alertObjects.filter((o) => ids.includes(o.AlertObjectID));
    if (objects.length === 0) return false;
    for (const o of objects) {
      o.AlertNote = o.AlertNote ? `${o.AlertNote}\n${note}` : note;
      const active = this.alertActive.find((a) => a.AlertObjectID === o.AlertObjectID);
      if (active) active.NumberOfNotes += 1;
      this.record(NOTE, note, account, active?.AlertActiveID ?? 0, o.AlertObjectID);
    }
    return true;
  }

  /** Orion.AlertActive.Acknowledge: false when none of the ids is active. */
  acknowledge(ids: number[], note: string, account: string): boolean {
    const active = this.alertActive.filter((a) => ids.includes(a.AlertObjectID));
    if (active.length === 0) return false;
    for (const a of active) {
      a.Acknowledged = true;
      a.AcknowledgedBy = account;
      a.AcknowledgedDateTime = swisDate(this.now());
      this.record(ACKNOWLEDGED, note, account, a.AlertActiveID, a.AlertObjectID);
    }
    return true;
  }

  /** Entity rows as SWQL sees them, navigations as nested objects. */
  table(entity: string): Rows | undefined {
    switch (entity) {
      case 'Orion.Nodes':
        return this.nodes.map((n) => ({
          NodeID: n.NodeID,
          Caption: n.Caption,
          IPAddress: n.IPAddress,
          DNS: n.DNS,
          SysName: n.Caption,
          Vendor: 'Windows',
          MachineType: n.MachineType,
          Status: n.Status,
          StatusDescription: n.Status === 1 ? 'Node status is Up.' : 'Node status is Down.',
          LastBoot: n.LastBoot,
          UnManaged: n.UnManaged,
          DetailsUrl: `/Orion/View.aspx?NetObject=N:${n.NodeID}`,
          Uri: `swis://${SWIS_HOST}/Orion/Orion.Nodes/NodeID=${n.NodeID}`,
          CustomProperties: { Client: n.client },
        }));
      case 'Orion.Container':
        return this.groups.map((g) => ({ ContainerID: g.ContainerID, Name: g.Name }));
      case 'Orion.ContainerMembers':
        return this.groups.flatMap((g) =>
          g.members.map((id) => ({
            ContainerID: g.ContainerID,
            MemberPrimaryID: id,
            MemberEntityType: 'Orion.Nodes',
            Name: this.node(id).Caption,
          })),
        );
      case 'Orion.APM.Application':
        return this.applications.map((a) => ({
          ...a,
          Node: { Caption: this.node(a.NodeID).Caption },
        }));
      case 'Orion.APM.Component':
        return this.components.map((c) => ({
          ComponentID: c.ComponentID,
          Name: c.Name,
          Status: c.Status,
          StatusDescription: c.Status === 1 ? 'Up' : 'Down',
          Disabled: false,
          UnManaged: false,
          ApplicationID: c.ApplicationID,
          CurrentStatus: {
            TimeStamp: c.LastPoll,
            LastTimeUp: c.LastTimeUp,
            ErrorMessage: c.ErrorMessage,
          },
          ComponentDefinition: { Name: WINDOWS_SERVICE_MONITOR },
        }));
      case 'Orion.AlertConfigurations':
        return [NODE_DOWN_ALERT, SERVICE_DOWN_ALERT].map((a) => ({
          ...a,
          Severity: 2,
          Enabled: true,
        }));
      case 'Orion.AlertObjects':
        return this.alertObjects.map(({ key: _key, ...o }) => ({ ...o }));
      case 'Orion.AlertActive':
        return this.alertActive.map((a) => ({ ...a }));
      case 'Orion.AlertHistory':
        return this.history.map((h) => ({ ...h }));
      default:
        return undefined;
    }
  }

  private node(id: number): Node {
    const node = this.nodes.find((n) => n.NodeID === id);
    if (!node) throw new Error(`no node ${id}`);
    return node;
  }

  private component(id: number): Component {
    const c = this.components.find((x) => x.ComponentID === id);
    if (!c) throw new Error(`no component ${id}`);
    return c;
  }

  private nodeObject(node: Node): Omit<AlertObject, 'AlertObjectID' | 'AlertID' | 'AlertNote'> {
    const uri = `swis://${SWIS_HOST}/Orion/Orion.Nodes/NodeID=${node.NodeID}`;
    return {
      key: `${NODE_DOWN_ALERT.AlertID}:N:${node.NodeID}`,
      EntityUri: uri,
      EntityType: 'Orion.Nodes',
      EntityCaption: node.Caption,
      EntityDetailsUrl: `/Orion/View.aspx?NetObject=N:${node.NodeID}`,
      RelatedNodeId: node.NodeID,
      RelatedNodeCaption: node.Caption,
    };
  }

  private componentObject(c: Component, node: Node) {
    const base = `swis://${SWIS_HOST}/Orion/Orion.Nodes/NodeID=${node.NodeID}`;
    return {
      key: `${SERVICE_DOWN_ALERT.AlertID}:AM:${c.ComponentID}`,
      EntityUri: `${base}/Applications/ApplicationID=${c.ApplicationID}/Components/ComponentID=${c.ComponentID}`,
      EntityType: 'Orion.APM.Component',
      EntityCaption: c.Name,
      EntityDetailsUrl: `/Orion/APM/MonitorDetails.aspx?NetObject=AM:${c.ComponentID}`,
      RelatedNodeId: node.NodeID,
      RelatedNodeCaption: node.Caption,
    };
  }

  /** A trigger reuses the (definition, object) AlertObject and opens a new AlertActive. */
  private trigger(
    alertId: number,
    entity: Omit<AlertObject, 'AlertObjectID' | 'AlertID' | 'AlertNote'>,
    message: string,
    at: Date,
  ): number {
    let object = this.alertObjects.find((o) => o.key === entity.key);
    if (!object) {
      object = {
        ...entity,
        AlertObjectID: ++this.nextId.object,
        AlertID: alertId,
        AlertNote: null,
      };
      this.alertObjects.push(object);
    }
    const existing = this.alertActive.find((a) => a.AlertObjectID === object.AlertObjectID);
    if (existing) return object.AlertObjectID; // still active: Orion does not trigger twice
    const active: AlertActive = {
      AlertActiveID: ++this.nextId.active,
      AlertObjectID: object.AlertObjectID,
      TriggeredDateTime: swisDate(at),
      TriggeredMessage: message,
      Acknowledged: false,
      AcknowledgedBy: null,
      AcknowledgedDateTime: null,
      NumberOfNotes: 0,
    };
    this.alertActive.push(active);
    this.record(TRIGGERED, message, null, active.AlertActiveID, object.AlertObjectID, at);
    for (const l of this.listeners) l({ event: 'TRIGGER', active, object });
    return object.AlertObjectID;
  }

  /** A reset deletes the AlertActive row and leaves a history row naming it. */
  private reset(key: string, at: Date): void {
    const object = this.alertObjects.find((o) => o.key === key);
    const index = object
      ? this.alertActive.findIndex((a) => a.AlertObjectID === object.AlertObjectID)
      : -1;
    if (!object || index < 0) return;
    const [active] = this.alertActive.splice(index, 1);
    this.record(RESET, 'Alert reset', null, active.AlertActiveID, object.AlertObjectID, at);
    for (const l of this.listeners) l({ event: 'RESET', active, object });
  }

  private record(
    type: number,
    message: string | null,
    account: string | null,
    activeId: number,
    objectId: number,
    at: Date = this.now(),
  ): void {
    this.history.push({
      AlertHistoryID: ++this.nextId.history,
      EventType: type,
      Message: message,
      TimeStamp: swisDate(at),
      AccountID: account,
      AlertActiveID: activeId,
      AlertObjectID: objectId,
    });
  }
}
