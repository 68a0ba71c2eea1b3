import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import { notFound } from '../common/api-errors';
import { IncidentLifecycle } from './incident-lifecycle.service';
import { addTimeline, lockDevice } from './incident-store';
import { resolve, snapshotOf } from './incident-transitions';
import { Client } from '../inventory/entities/client.entity';
import { Device } from '../inventory/entities/device.entity';
import { OutboxMessage } from '../outbox/entities/outbox-message.entity';
import { OutboxService } from '../outbox/outbox.service';
import { AlertLink } from './entities/alert-link.entity';
import { IncidentSuspect } from './entities/incident-suspect.entity';
import { IncidentTimeline } from './entities/incident-timeline.entity';
import { Incident } from './entities/incident.entity';
import { TicketLink } from './entities/ticket-link.entity';
import { details } from './incident-details';

export interface IncidentQuery {
  clientId?: string;
  deviceId?: string;
  state?: string;
  cause?: string;
  patch?: string;
  since?: Date;
  limit: number;
  offset: number;
}

@Injectable()
export class IncidentsService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly lifecycle: IncidentLifecycle,
    private readonly outbox: OutboxService,
  ) {}

  async list(who: Principal, q: IncidentQuery) {
    if (who.clientId && q.clientId && q.clientId !== who.clientId) return { items: [], total: 0 };
    const qb = this.ds
      .getRepository(Incident)
      .createQueryBuilder('i')
      .orderBy('i.opened_at', 'DESC')
      .take(q.limit)
      .skip(q.offset);
    const clientId = who.clientId ?? q.clientId;
    if (clientId) qb.andWhere('i.client_id = :clientId', { clientId });
    if (q.deviceId) qb.andWhere('i.device_id = :deviceId', { deviceId: q.deviceId });
    if (q.state) qb.andWhere('i.state = :state', { state: q.state });
    if (q.cause) qb.andWhere('i.cause = :cause', { cause: q.cause });
    if (q.since) qb.andWhere('i.opened_at >= :since', { since: q.since });
    if (q.patch) {
      qb.andWhere(
        `(EXISTS (SELECT 1 FROM incident_suspect s WHERE s.incident_id = i.id AND upper(s.patch_id) = upper(:patch)) OR upper(i.details->'wave'->>'patchId') = upper(:patch))`,
        { patch: q.patch },
      );
    }
    const [items, total] = await qb.getManyAndCount();
    return { items, total };
  }

  private async visible(
    who: Principal,
    id: string,
    m: EntityManager = this.ds.manager,
  ): Promise<Incident> {
    const incident = await m.getRepository(Incident).findOneBy({ id });
    // A wave spans clients: a scoped token sees its own incidents only.
    if (!incident || (who.clientId && incident.clientId !== who.clientId))
      throw notFound('incident', id);
    return incident;
  }

  async detail(who: Principal, id: string) {
    const incident = await this.visible(who, id);
    const [client, device, timeline, suspects, alerts, tickets, outbox, children, rollbacks] =
      await Promise.all([
        incident.clientId
          ? this.ds.getRepository(Client).findOneBy({ id: incident.clientId })
          : null,
        incident.deviceId
          ? this.ds.getRepository(Device).findOneBy({ id: incident.deviceId })
          : null,
        this.ds
          .getRepository(IncidentTimeline)
          .find({ where: { incidentId: id }, order: { id: 'ASC' } }),
        this.ds
          .getRepository(IncidentSuspect)
          .find({ where: { incidentId: id }, order: { rank: 'ASC' } }),
        this.ds.getRepository(AlertLink).findBy({ incidentId: id }),
        this.ds
          .getRepository(TicketLink)
          .find({ where: { incidentId: id }, order: { createdAt: 'ASC' } }),
        this.ds
          .getRepository(OutboxMessage)
          .find({ where: { incidentId: id }, order: { id: 'ASC' } }),
        this.ds
          .getRepository(Incident)
          .find({ where: { parentId: id }, order: { openedAt: 'ASC' } }),
        // The rollback feature owns the table; the incident lists what was tried on it.
        this.ds.query(
          `SELECT id, patch_id AS "patchId", state, reason, requested_by AS "requestedBy",
                  created_at AS "createdAt", finished_at AS "finishedAt"
             FROM rollback WHERE incident_id = $1 ORDER BY created_at`,
          [id],
        ) as Promise<Record<string, unknown>[]>,
      ]);
    return {
      ...incident,
      details: details(incident.details),
      client: client ? { id: client.id, name: client.name } : null,
      device: device ? { id: device.id, name: device.displayName } : null,
      timeline,
      suspects,
      alerts,
      tickets,
      outbox: outbox.map((o) => ({
        id: o.id,
        action: o.action,
        instanceId: o.instanceId,
        status: o.status,
        attempts: o.attempts,
        lastError: o.lastError,
      })),
      rollbacks,
      children: children.map((c) => ({
        id: c.id,
        title: c.title,
        state: c.state,
        clientId: c.clientId,
        deviceId: c.deviceId,
      })),
    };
  }

  async decideSuspect(
    who: Principal,
    id: string,
    suspectId: string,
    status: 'confirmed' | 'rejected',
  ) {
    return this.ds.transaction(async (m) => {
      const incident = await this.visible(who, id, m);
      const suspect = await m
        .getRepository(IncidentSuspect)
        .findOneBy({ id: suspectId, incidentId: id });
      if (!suspect) throw notFound('suspect', suspectId);
      await m
        .getRepository(IncidentSuspect)
        .update({ id: suspectId }, { status, decidedBy: who.name, decidedAt: new Date() });
      const what = suspect.patchId ?? `the reboot at ${new Date(suspect.occurredAt).toISOString()}`;
      await addTimeline(
        m,
        incident.id,
        new Date(),
        `suspect-${status}`,
        `${who.name} ${status} ${what} as the cause.`,
        { suspectId },
      );
      await this.audit.record(
        who,
        {
          action: `incident.suspect.${status === 'confirmed' ? 'confirm' : 'reject'}`,
          targetType: 'incident',
          targetId: id,
          detail: { suspectId, patchId: suspect.patchId },
        },
        m,
      );
      return m.getRepository(IncidentSuspect).findOneByOrFail({ id: suspectId });
    });
  }

  async resolve(who: Principal, id: string, note: string) {
    const result = await this.ds.transaction(async (m) => {
      const incident = await this.visible(who, id, m);
      if (incident.deviceId) await lockDevice(m, incident.deviceId);
      if (incident.state === 'resolved')
        throw new BadRequestException(`state: incident ${id} is already resolved`);
      const change = `Resolved by ${who.name}: ${note}`;
      const t = resolve(snapshotOf(incident), {
        by: who.name,
        note,
        change,
        text: change,
        at: new Date(),
      });
      const saved = await this.lifecycle.apply(m, incident, t);
      await this.audit.record(
        who,
        { action: 'incident.resolve', targetType: 'incident', targetId: id, detail: { note } },
        m,
      );
      return saved;
    });
    this.outbox.notify();
    return result;
  }
}
