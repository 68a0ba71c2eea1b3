import { DataSource, In } from 'typeorm';
import { ConnectorInstance } from '../connector-instances/entities/connector-instance.entity';
import { DeviceLink } from './entities/device-link.entity';

/** A connector instance as a person recognises it: its name and its vendor kind. */
export interface ToolName {
  id: string;
  name: string;
  kind: string;
}

/** One tool's record of a device, as a list of devices shows it. */
export interface DeviceTool extends ToolName {
  lastSeenAt: Date;
}

/** A service's latest reported state on one device. */
export interface ServiceState {
  name: string;
  running: boolean;
  at: Date;
  tool: string | null;
  check: string | null;
  origin: string;
}

/**
 * Read-only facts the console shows beside DevicesService's answers. Callers pass only device
 * ids the signed-in principal may see (taken from DevicesService), so nothing here scopes.
 */
export class DeviceOverview {
  constructor(private readonly ds: DataSource) {}

  /** Name and kind of each instance, by id (a deleted instance is simply missing). */
  async toolNames(instanceIds: string[]): Promise<Map<string, ToolName>> {
    const ids = [...new Set(instanceIds)];
    if (ids.length === 0) return new Map();
    const rows = await this.ds
      .getRepository(ConnectorInstance)
      .find({ select: { id: true, name: true, kind: true }, where: { id: In(ids) } });
    return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name, kind: r.kind }]));
  }

  /** Which tools know each device, and when each last reported it. */
  async toolsOf(deviceIds: string[]): Promise<Map<string, DeviceTool[]>> {
    const out = new Map<string, DeviceTool[]>();
    if (deviceIds.length === 0) return out;
    const rows = await this.ds
      .getRepository(DeviceLink)
      .createQueryBuilder('l')
      .innerJoin(ConnectorInstance, 'i', 'i.id = l.instance_id')
      .select('l.device_id', 'deviceId')
      .addSelect('i.id', 'id')
      .addSelect('i.name', 'name')
      .addSelect('i.kind', 'kind')
      .addSelect('max(l.last_seen_at)', 'lastSeenAt')
      .where('l.device_id IN (:...deviceIds)', { deviceIds })
      .groupBy('l.device_id')
      .addGroupBy('i.id')
      .addGroupBy('i.name')
      .addGroupBy('i.kind')
      .orderBy('i.name')
      .getRawMany<DeviceTool & { deviceId: string }>();
    for (const { deviceId, ...tool } of rows) {
      const list = out.get(deviceId) ?? [];
      list.push({ ...tool, lastSeenAt: new Date(tool.lastSeenAt) });
      out.set(deviceId, list);
    }
    return out;
  }

  /**
   * The latest word on each service of the device, whoever said it (the monitoring, the RMM
   * or a check script). History read on a first sync was already over and is left out, as
   * readiness leaves it out.
   */
  async services(deviceId: string): Promise<ServiceState[]> {
    const rows = (await this.ds.query(
      `SELECT s.subject AS name, s.kind, s.occurred_at AS at, s."check", s.origin, i.name AS tool
         FROM (SELECT DISTINCT ON (subject) subject, kind, occurred_at, "check", origin, instance_id
                 FROM health_event
                WHERE device_id = $1 AND subject IS NOT NULL AND history = false
                  AND kind IN ('service.down', 'service.up')
                ORDER BY subject, occurred_at DESC, id DESC) s
         LEFT JOIN connector_instance i ON i.id = s.instance_id
        ORDER BY s.subject`,
      [deviceId],
    )) as {
      name: string;
      kind: string;
      at: Date;
      check: string | null;
      origin: string;
      tool: string | null;
    }[];
    return rows.map((r) => ({
      name: r.name,
      running: r.kind === 'service.up',
      at: new Date(r.at),
      tool: r.tool,
      check: r.check,
      origin: r.origin,
    }));
  }
}
