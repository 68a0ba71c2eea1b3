import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import { notFound } from '../common/api-errors';
import { ClientLink } from './entities/client-link.entity';
import { Client } from './entities/client.entity';
import { Device } from './entities/device.entity';

export interface ClientLinkQuery {
  clientId?: string;
  instanceId?: string;
  /** Only records of clients that one tool alone knows. */
  unmatched: boolean;
  /** Only automatic matches on a similar name that nobody confirmed yet. */
  suggested: boolean;
}

/** Each tool's records of the MSP's clients: listed for review, confirmed or moved by a person. */
@Injectable()
export class ClientLinksService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(who: Principal, q: ClientLinkQuery) {
    const qb = this.ds
      .createQueryBuilder()
      .select([
        'l.id AS id',
        'l.instance_id AS "instanceId"',
        'i.name AS "instanceName"',
        'i.kind AS "instanceKind"',
        'l.external_id AS "externalId"',
        'l.name AS name',
        'l.client_id AS "clientId"',
        'c.name AS "clientName"',
        'l.matched_by AS "matchedBy"',
        'l.confirmed_by AS "confirmedBy"',
        'l.created_at AS "createdAt"',
        `(SELECT count(DISTINCT o.instance_id) FROM client_link o WHERE o.client_id = l.client_id)::int AS "toolCount"`,
      ])
      .from('client_link', 'l')
      .innerJoin('client', 'c', 'c.id = l.client_id')
      .innerJoin('connector_instance', 'i', 'i.id = l.instance_id')
      .orderBy('c.name', 'ASC')
      .addOrderBy('i.name', 'ASC')
      .limit(1000);
    const clientId = who.clientId ?? q.clientId;
    if (clientId) qb.andWhere('l.client_id = :clientId', { clientId });
    if (q.instanceId) qb.andWhere('l.instance_id = :instanceId', { instanceId: q.instanceId });
    if (q.suggested) qb.andWhere(`l.matched_by = 'similar-name' AND l.confirmed_by IS NULL`);
    if (q.unmatched)
      qb.andWhere(
        '(SELECT count(DISTINCT o.instance_id) FROM client_link o WHERE o.client_id = l.client_id) = 1',
      );
    return { items: await qb.getRawMany() };
  }

  /**
   * Puts a tool's record under the client it really is. The devices only this tool placed
   * under the old client follow it; the old client, left without records, is removed.
   */
  async move(who: Principal, linkId: string, clientId: string) {
    return this.ds.transaction(async (m) => {
      const link = await m.getRepository(ClientLink).findOneBy({ id: linkId });
      if (!link) throw notFound('client link', linkId);
      const target = await m.getRepository(Client).findOneBy({ id: clientId });
      if (!target) throw new BadRequestException(`clientId: client ${clientId} not found`);
      const from = link.clientId;
      await m
        .getRepository(ClientLink)
        .update({ id: linkId }, { clientId, matchedBy: 'manual', confirmedBy: who.name });
      let movedDevices = 0;
      if (from !== clientId) {
        const moved: unknown[] = await m.query(
          `UPDATE device d SET client_id = $2 WHERE d.client_id = $1
             AND EXISTS (SELECT 1 FROM device_link l WHERE l.device_id = d.id AND l.instance_id = $3)
             AND NOT EXISTS (SELECT 1 FROM device_link l WHERE l.device_id = d.id AND l.instance_id <> $3)
           RETURNING d.id`,
          [from, clientId, link.instanceId],
        );
        movedDevices = moved.length;
        const left = await m.getRepository(ClientLink).countBy({ clientId: from });
        const devices = await m.getRepository(Device).countBy({ clientId: from });
        if (left === 0 && devices === 0) await m.getRepository(Client).delete({ id: from });
      }
      await this.audit.record(
        who,
        {
          action: from === clientId ? 'client-link.confirm' : 'client-link.move',
          targetType: 'client-link',
          targetId: linkId,
          detail: { from, to: clientId, movedDevices },
        },
        m,
      );
      return m.getRepository(ClientLink).findOneByOrFail({ id: linkId });
    });
  }
}
