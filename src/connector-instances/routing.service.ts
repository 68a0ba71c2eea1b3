import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Capability } from '../../connectors/contract/capabilities';
import { ConnectorRegistry } from './connector-registry.service';
import { ConnectorInstance } from './entities/connector-instance.entity';
import { ClientRoute, type RoutePurpose } from './entities/client-route.entity';

/**
 * Which instances serve a client: the routes configured for it (PUT /api/v1/clients/:id/routes),
 * else every enabled instance able to do the job — a one-PSA shop needs no configuration.
 */
@Injectable()
export class RoutingService {
  private instances: { rows: ConnectorInstance[]; until: number } | null = null;
  private routes: { rows: ClientRoute[]; until: number } | null = null;

  constructor(private readonly registry: ConnectorRegistry) {}

  /** Instances change rarely and every decision needs them: kept for a second. */
  private async allInstances(
    m: EntityManager,
    mustHave: string[] = [],
  ): Promise<ConnectorInstance[]> {
    const cached = this.instances && this.instances.until > Date.now() ? this.instances.rows : null;
    // A route to an instance created within the second must not go unserved.
    if (cached && mustHave.every((id) => cached.some((i) => i.id === id))) return cached;
    const rows = await m.getRepository(ConnectorInstance).find({ order: { createdAt: 'ASC' } });
    this.instances = { rows, until: Date.now() + 1000 };
    return rows;
  }

  /** Routes are configuration, changed by hand: kept for a second like the instances. */
  private async allRoutes(m: EntityManager): Promise<ClientRoute[]> {
    if (this.routes && this.routes.until > Date.now()) return this.routes.rows;
    const rows = await m.getRepository(ClientRoute).find();
    this.routes = { rows, until: Date.now() + 1000 };
    return rows;
  }

  /** This replica changed the routes: use them now (others within a second). */
  forgetRoutes(): void {
    this.routes = null;
  }

  /** Whether the instance is enabled and its kind can do `capability`. */
  can(instance: ConnectorInstance, capability: Capability): boolean {
    return (
      instance.enabled &&
      Boolean(this.registry.get(instance.kind)?.capabilities.includes(capability))
    );
  }

  async forClient(
    m: EntityManager,
    clientId: string | null,
    purpose: RoutePurpose,
    capability: Capability,
  ): Promise<ConnectorInstance[]> {
    const routes = clientId
      ? (await this.allRoutes(m)).filter((r) => r.clientId === clientId && r.purpose === purpose)
      : [];
    const ids = routes.map((r) => r.instanceId);
    const all = await this.allInstances(m, ids);
    if (ids.length > 0) return all.filter((i) => ids.includes(i.id) && this.can(i, capability));
    return all.filter((i) => this.can(i, capability));
  }

  /** Instances that know this device and can do `capability` for it, with their own device id. */
  async forDevice(
    m: EntityManager,
    deviceId: string,
    capability: Capability,
  ): Promise<{ instance: ConnectorInstance; externalId: string }[]> {
    return (await this.knowingDevice(m, deviceId)).filter((r) => this.can(r.instance, capability));
  }

  /**
   * Every instance that knows this device by its own id, the most recently seen first. One
   * query for the links; the instances come from the second-long cache (a reboot in a storm
   * asked for each of them by id).
   */
  async knowingDevice(
    m: EntityManager,
    deviceId: string,
  ): Promise<{ instance: ConnectorInstance; externalId: string }[]> {
    const rows: { instance_id: string; external_id: string }[] = await m.query(
      `SELECT instance_id, external_id FROM device_link WHERE device_id = $1 AND external_id IS NOT NULL ORDER BY last_seen_at DESC`,
      [deviceId],
    );
    if (rows.length === 0) return [];
    const byId = new Map(
      (
        await this.allInstances(
          m,
          rows.map((r) => r.instance_id),
        )
      ).map((i) => [i.id, i]),
    );
    return rows.flatMap((r) => {
      const instance = byId.get(r.instance_id);
      return instance ? [{ instance, externalId: r.external_id }] : [];
    });
  }

  /** The tool's own ids for a client and a device, so a ticket lands under the right company. */
  async externalIds(
    m: EntityManager,
    instanceId: string,
    clientId: string | null,
    deviceId: string | null,
  ) {
    if (!clientId && !deviceId) return { client: undefined, device: undefined };
    const [row]: { client: string | null; device: string | null }[] = await m.query(
      `SELECT
         (SELECT external_id FROM client_link WHERE instance_id = $1 AND client_id = $2
           AND external_id NOT LIKE 'name:%' ORDER BY created_at LIMIT 1) AS client,
         (SELECT external_id FROM device_link WHERE instance_id = $1 AND device_id = $3 AND external_id IS NOT NULL LIMIT 1) AS device`,
      [instanceId, clientId, deviceId],
    );
    return { client: row.client ?? undefined, device: row.device ?? undefined };
  }
}
