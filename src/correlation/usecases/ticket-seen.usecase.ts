import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type EntityManager, Not } from 'typeorm';
import type { TicketSeen } from '../../../connectors/contract/canonical';
import { Incident } from '../../incidents/entities/incident.entity';
import { TicketLink } from '../../incidents/entities/ticket-link.entity';
import type { Device } from '../../inventory/entities/device.entity';
import { IncidentLifecycle } from '../../incidents/incident-lifecycle.service';
import { resolve, snapshotOf } from '../../incidents/incident-transitions';

/**
 * Tickets read from a helpdesk: our own ticket closed by a technician resolves its incident;
 * a user's ticket about a device or client with an open incident is linked to it.
 */
@Injectable()
export class TicketSeenUseCase {
  constructor(private readonly lifecycle: IncidentLifecycle) {}

  async run(
    m: EntityManager,
    instanceId: string,
    ticket: TicketSeen,
    device: Device | null,
    clientId: string | null,
  ): Promise<void> {
    const at = ticket.occurredAt ?? new Date();
    const ours = await m
      .getRepository(TicketLink)
      .findOneBy({ instanceId, externalId: ticket.ticketId });
    const byKey = ticket.correlationKey
      ? await m.getRepository(Incident).findOneBy({ key: ticket.correlationKey })
      : null;
    if (ours || byKey) {
      const link =
        ours ??
        (byKey
          ? await m
              .getRepository(TicketLink)
              .findOneBy({ incidentId: byKey.id, instanceId, relation: 'incident-ticket' })
          : null);
      const incident =
        byKey ?? (link ? await m.getRepository(Incident).findOneBy({ id: link.incidentId }) : null);
      if (!incident) return;
      const wasClosed = link?.status === 'closed';
      if (link && link.status !== ticket.status)
        await m.getRepository(TicketLink).update(
          { id: link.id },
          {
            status: ticket.status,
            updatedAt: new Date(),
            ...(link.externalId ? {} : { externalId: ticket.ticketId }),
          },
        );
      // Only a close seen happening counts: a ticket we closed ourselves stays closed in later
      // polls, and must not resolve the incident again if it recurs.
      if (
        ticket.status !== 'closed' ||
        wasClosed ||
        incident.state === 'resolved' ||
        link?.relation === 'user-ticket'
      )
        return;
      const change = `Ticket ${ticket.ticketId} was closed in the helpdesk${ticket.closedBy ? ` by ${ticket.closedBy}` : ''}.`;
      const closed = resolve(snapshotOf(incident), {
        by: ticket.closedBy ?? 'helpdesk',
        change,
        at,
      });
      await this.lifecycle.apply(m, incident, closed, {
        data: { ticketId: ticket.ticketId },
        closedTicketLinkId: link?.id,
      });
      return;
    }
    if (ticket.status !== 'open') return;
    const found = await this.incidentNamedBy(m, ticket, device, clientId);
    if (!found) return;
    const { incident, evidence } = found;
    const link: TicketLink = {
      id: randomUUID(),
      incidentId: incident.id,
      instanceId,
      externalId: ticket.ticketId,
      relation: 'user-ticket',
      status: 'open',
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    const inserted: unknown[] = await m.query(
      `INSERT INTO ticket_link (id, incident_id, instance_id, external_id, relation, status) VALUES ($1, $2, $3, $4, 'user-ticket', 'open')
       ON CONFLICT (instance_id, external_id) DO NOTHING RETURNING id`,
      [link.id, link.incidentId, link.instanceId, link.externalId],
    );
    if (inserted.length === 0) return;
    await this.lifecycle.userTicketLinked(m, incident, link, evidence, {
      at,
      text: `User ticket ${ticket.ticketId} linked: "${ticket.summary}" (${evidence}).`,
      data: { ticketId: ticket.ticketId, instanceId, evidence },
    });
  }

  /**
   * The open incident a user's ticket is about, only on evidence: the device (configuration)
   * the ticket names, or the name of a device with an open incident of the ticket's client
   * written in its text. Being the same client's newest incident is no evidence.
   */
  private async incidentNamedBy(
    m: EntityManager,
    ticket: TicketSeen,
    device: Device | null,
    clientId: string | null,
  ): Promise<{ incident: Incident; evidence: string } | null> {
    if (device) {
      const incident = await m
        .getRepository(Incident)
        .findOne({ where: { deviceId: device.id, state: Not('resolved') } });
      return incident
        ? { incident, evidence: `the ticket names device ${device.displayName}` }
        : null;
    }
    if (!clientId) return null;
    const open: (Incident & { device_name: string; names: string[] })[] = await m.query(
      `SELECT i.id, d.display_name AS device_name,
              array_remove(ARRAY[d.display_name, d.hostname_key, d.fqdn_key], NULL) AS names
         FROM incident i JOIN device d ON d.id = i.device_id
        WHERE i.client_id = $1 AND i.state <> 'resolved'`,
      [clientId],
    );
    const named = open.filter((row) => row.names.some((n) => mentions(ticket.summary, n)));
    if (named.length !== 1) return null;
    const incident = await m.getRepository(Incident).findOneByOrFail({ id: named[0].id });
    return { incident, evidence: `the ticket text mentions ${named[0].device_name}` };
  }
}

/** `name` appears in `text` as a whole word (case-insensitive); short names never count. */
export function mentions(text: string, name: string): boolean {
  if (name.length < 3) return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w.-])${escaped}($|[^\\w-])`, 'i').test(text);
}
