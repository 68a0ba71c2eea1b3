import type { Page, RawRecord } from '../contract/connector';
import type { SwisClient } from './solarwinds.client';
import {
  readDevicesCursor,
  readHealthCursor,
  writeHealthCursor,
  type HealthCursor,
} from './solarwinds.cursor';
import {
  ACTIVE_ALERTS_PAGE,
  ALERT_HISTORY_PAGE,
  HISTORY_RESET,
  HISTORY_TRIGGERED,
  LAST_HISTORY_ID,
  NODE_GROUPS,
  NODE_STATUS_PAGE,
  nodesPage,
  SERVICE_COMPONENTS_PAGE,
} from './solarwinds.queries';
import {
  ACTIVE_ALERT_RECORD,
  ALERT_HISTORY_RECORD,
  alertKey,
  COMPONENT_STATUS_RECORD,
  NODE_RECORD,
  NODE_STATUS_RECORD,
  statusKey,
  versionKey,
} from './solarwinds.records';
import type { SolarWindsSettings } from './solarwinds.settings';
import { forgetUnseen, observe } from './solarwinds.status';
import type { SwisNodeRecord, SwisStatusChange } from './solarwinds.types';
import {
  expectRows,
  isActiveAlert,
  isAlertHistory,
  isComponent,
  isGroupMembership,
  isIdNumber,
  isNode,
  isNodeStatus,
  isObj,
} from './solarwinds.validate';

function lastId<T>(rows: T[], id: (row: T) => number, fallback: number): number {
  return rows.length > 0 ? id(rows[rows.length - 1]) : fallback;
}

/** The two pulls: inventory (nodes) and health (alerts + node and service status). */
export class SolarWindsPulls {
  constructor(
    private readonly client: SwisClient,
    private readonly settings: SolarWindsSettings,
    private readonly clock: () => Date,
  ) {}

  /** Nodes by NodeID; the last page returns "0", so the next poll walks everything again. */
  async devices(cursor: string | null): Promise<Page> {
    const after = readDevicesCursor(cursor);
    const rows = this.settings.pageSize;
    const property =
      this.settings.clientSource === 'customProperty' ? this.settings.clientProperty : undefined;
    const nodes = expectRows(
      'Orion.Nodes',
      await this.client.query(nodesPage(property), { after, rows }),
      isNode,
    );
    const groups = await this.groupsOf(nodes.map((n) => n.NodeID));
    const records = nodes.map((node): RawRecord => {
      const payload: SwisNodeRecord = { node };
      if (groups) payload.groups = groups.get(node.NodeID) ?? [];
      return { type: NODE_RECORD, dedupeKey: versionKey('node', node.NodeID, payload), payload };
    });
    const more = nodes.length >= rows;
    return { records, cursor: more ? String(lastId(nodes, (n) => n.NodeID, after)) : '0', more };
  }

  /** With clientSource "group": NodeID → its groups, ordered by ContainerID. */
  private async groupsOf(ids: number[]) {
    if (this.settings.clientSource !== 'group' || ids.length === 0) return undefined;
    const rows = expectRows(
      'Orion.ContainerMembers',
      await this.client.query(NODE_GROUPS, { entityType: 'Orion.Nodes', ids }),
      isGroupMembership,
    );
    const byNode = new Map<number, { ContainerID: number; GroupName: string }[]>();
    for (const r of rows) {
      const list = byNode.get(r.MemberPrimaryID) ?? [];
      list.push({ ContainerID: r.ContainerID, GroupName: r.GroupName });
      byNode.set(r.MemberPrimaryID, list);
    }
    return byNode;
  }

  /** One page of one phase of the health walk (solarwinds.cursor.ts). */
  async health(cursor: string | null): Promise<Page> {
    const state = cursor === null ? await this.start() : readHealthCursor(cursor);
    switch (state.phase) {
      case 'active':
        return this.activePage(state);
      case 'history':
        return this.historyPage(state);
      case 'nodes':
        return this.nodesPage(state);
      case 'components':
        return this.componentsPage(state);
    }
  }

  /** First walk: history is read from where it stands now; what is active comes first. */
  private async start(): Promise<HealthCursor> {
    const rows = await this.client.query(LAST_HISTORY_ID);
    const first = rows[0];
    const history = isObj(first) && isIdNumber(first.AlertHistoryID) ? first.AlertHistoryID : 0;
    return { v: 1, phase: 'active', after: 0, history, walk: 1, nodes: {}, components: {} };
  }

  private page(records: RawRecord[], next: HealthCursor, more: boolean): Page {
    return { records, cursor: writeHealthCursor(next), more };
  }

  private async activePage(state: HealthCursor): Promise<Page> {
    const rows = this.settings.pageSize;
    const alerts = expectRows(
      'Orion.AlertActive',
      await this.client.query(ACTIVE_ALERTS_PAGE, { after: state.after, rows }),
      isActiveAlert,
    );
    const records = alerts.map((a): RawRecord => ({
      type: ACTIVE_ALERT_RECORD,
      dedupeKey: alertKey(a.AlertActiveID, 'trigger'),
      payload: a,
    }));
    const full = alerts.length >= rows;
    const next: HealthCursor = full
      ? { ...state, after: lastId(alerts, (a) => a.AlertActiveID, state.after) }
      : { ...state, phase: 'history', after: 0 };
    return this.page(records, next, true);
  }

  private async historyPage(state: HealthCursor): Promise<Page> {
    const rows = this.settings.pageSize;
    const found = expectRows(
      'Orion.AlertHistory',
      await this.client.query(ALERT_HISTORY_PAGE, {
        after: state.history,
        types: [HISTORY_TRIGGERED, HISTORY_RESET],
        rows,
      }),
      isAlertHistory,
    );
    const records = found.map((h): RawRecord => ({
      type: ALERT_HISTORY_RECORD,
      dedupeKey: alertKey(h.AlertActiveID, h.EventType === HISTORY_RESET ? 'reset' : 'trigger'),
      payload: h,
    }));
    const history = lastId(found, (h) => h.AlertHistoryID, state.history);
    const full = found.length >= rows;
    const next: HealthCursor = full
      ? { ...state, history }
      : { ...state, history, phase: 'nodes', after: 0 };
    return this.page(records, next, true);
  }

  private async nodesPage(state: HealthCursor): Promise<Page> {
    const rows = this.settings.pageSize;
    const nodes = expectRows(
      'Orion.Nodes',
      await this.client.query(NODE_STATUS_PAGE, { after: state.after, rows }),
      isNodeStatus,
    );
    const map = { ...state.nodes };
    for (const [id, entry] of Object.entries(map)) map[id] = { ...entry };
    const observedAt = this.clock().toISOString();
    const records: RawRecord[] = [];
    for (const node of nodes) {
      // Unmanaged = maintenance: Orion stops polling it, its status means nothing.
      if (node.UnManaged) continue;
      const change = observe(map, node.NodeID, node.Status, state.walk);
      if (!change) continue;
      const payload: SwisStatusChange<typeof node> = { row: node, state: change.state, observedAt };
      records.push({
        type: NODE_STATUS_RECORD,
        dedupeKey: statusKey('node-status', node.NodeID, change.seq, change.state),
        payload,
      });
    }
    const full = nodes.length >= rows;
    if (!full) forgetUnseen(map, state.walk);
    const next: HealthCursor = full
      ? { ...state, nodes: map, after: lastId(nodes, (n) => n.NodeID, state.after) }
      : { ...state, nodes: map, phase: 'components', after: 0 };
    return this.page(records, next, true);
  }

  private async componentsPage(state: HealthCursor): Promise<Page> {
    const rows = this.settings.pageSize;
    const components = expectRows(
      'Orion.APM.Component',
      await this.client.query(SERVICE_COMPONENTS_PAGE, {
        kind: this.settings.serviceMonitorPattern,
        after: state.after,
        rows,
      }),
      isComponent,
    );
    const map = { ...state.components };
    for (const [id, entry] of Object.entries(map)) map[id] = { ...entry };
    const now = this.clock().toISOString();
    const records: RawRecord[] = [];
    for (const c of components) {
      if (c.UnManaged || c.Disabled) continue;
      const change = observe(map, c.ComponentID, c.Status, state.walk);
      if (!change) continue;
      const payload: SwisStatusChange<typeof c> = {
        row: c,
        state: change.state,
        observedAt: now,
      };
      records.push({
        type: COMPONENT_STATUS_RECORD,
        dedupeKey: statusKey('component-status', c.ComponentID, change.seq, change.state),
        payload,
      });
    }
    const full = components.length >= rows;
    if (full) {
      const after = lastId(components, (c) => c.ComponentID, state.after);
      return this.page(records, { ...state, components: map, after }, true);
    }
    forgetUnseen(map, state.walk);
    // The walk is over: the next poll starts again at the history, as walk + 1.
    const next: HealthCursor = {
      ...state,
      components: map,
      phase: 'history',
      after: 0,
      walk: state.walk + 1,
    };
    return this.page(records, next, false);
  }
}
