import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import { notFound } from '../common/api-errors';
import { Client } from './entities/client.entity';
import { Device } from './entities/device.entity';
import { DeviceLink } from './entities/device-link.entity';
import { HealthEvent } from './entities/health-event.entity';
import { PatchEvent } from './entities/patch-event.entity';

export interface DeviceQuery {
  clientId?: string;
  q?: string;
  unmatched?: boolean;
  limit: number;
  offset: number;
}

@Injectable()
export class DevicesService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** A client-scoped token narrows every query to its client; asking for another is empty. */
  private scope(who: Principal, clientId?: string): string | undefined {
    if (who.clientId) return who.clientId;
    return clientId;
  }

  async list(who: Principal, query: DeviceQuery) {
    const qb = this.ds
      .getRepository(Device)
      .createQueryBuilder('d')
      .orderBy('d.display_name')
      .take(query.limit)
      .skip(query.offset);
    const clientId = this.scope(who, query.clientId);
    if (who.clientId && query.clientId && query.clientId !== who.clientId)
      return { items: [], total: 0 };
    if (clientId) qb.andWhere('d.client_id = :clientId', { clientId });
    if (query.q)
      qb.andWhere(
        '(d.display_name ILIKE :q OR d.hostname_key ILIKE :q OR d.fqdn_key ILIKE :q OR d.ip = :exact)',
        { q: `%${query.q}%`, exact: query.q },
      );
    if (query.unmatched)
      // Known to one tool: one connector instance, however many records it linked.
      qb.andWhere(
        '(SELECT count(DISTINCT l.instance_id) FROM device_link l WHERE l.device_id = d.id) = 1',
      );
    const [items, total] = await qb.getManyAndCount();
    return { items, total };
  }

  async get(who: Principal, id: string) {
    const device = await this.ds.getRepository(Device).findOneBy({ id });
    if (!device || (who.clientId && device.clientId !== who.clientId)) throw notFound('device', id);
    const [links, patches, health, client] = await Promise.all([
      this.ds
        .getRepository(DeviceLink)
        .find({ where: { deviceId: id }, order: { firstSeenAt: 'ASC' } }),
      this.ds
        .getRepository(PatchEvent)
        .find({ where: { deviceId: id }, order: { occurredAt: 'DESC' }, take: 50 }),
      this.ds
        .getRepository(HealthEvent)
        .find({ where: { deviceId: id }, order: { occurredAt: 'DESC' }, take: 50 }),
      device.clientId ? this.ds.getRepository(Client).findOneBy({ id: device.clientId }) : null,
    ]);
    return { ...device, client, links, recentPatches: patches, recentHealth: health };
  }

  async listClients(who: Principal) {
    const repo = this.ds.getRepository(Client);
    return {
      items: who.clientId
        ? await repo.findBy({ id: who.clientId })
        : await repo.find({ order: { name: 'ASC' } }),
    };
  }

  /** Manual override: this tool's record belongs to another device. Matching keeps it there. */
  async moveLink(who: Principal, linkId: string, deviceId: string) {
    return this.ds.transaction(async (m) => {
      const link = await m.getRepository(DeviceLink).findOneBy({ id: linkId });
      if (!link) throw notFound('device link', linkId);
      const target = await m.getRepository(Device).findOneBy({ id: deviceId });
      if (!target) throw new BadRequestException(`deviceId: device ${deviceId} not found`);
      const from = link.deviceId;
      await m.getRepository(DeviceLink).update({ id: linkId }, { deviceId, matchedBy: 'manual' });
      // The history this tool reported moves with its record.
      await m
        .getRepository(PatchEvent)
        .update(
          { deviceId: from, instanceId: link.instanceId },
          { deviceId, clientId: target.clientId },
        );
      await m
        .getRepository(HealthEvent)
        .update(
          { deviceId: from, instanceId: link.instanceId },
          { deviceId, clientId: target.clientId },
        );
      const left = await m.getRepository(DeviceLink).countBy({ deviceId: from });
      if (left === 0 && from !== deviceId) await m.getRepository(Device).delete({ id: from });
      await this.audit.record(
        who,
        {
          action: 'device-link.move',
          targetType: 'device-link',
          targetId: linkId,
          detail: { from, to: deviceId, removedEmptyDevice: left === 0 },
        },
        m,
      );
      return m.getRepository(DeviceLink).findOneByOrFail({ id: linkId });
    });
  }
}
