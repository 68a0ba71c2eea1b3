import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ExternalRef } from '../../connectors/contract/connector';
import { ConnectorError } from '../../connectors/contract/connector-error';
import type { OutboxMessage } from '../outbox/entities/outbox-message.entity';
import type { OutboxCommand } from '../outbox/outbox-command';
import type { OutboxHook } from '../outbox/outbox-hooks';
import { OutboxService } from '../outbox/outbox.service';
import { RoutingService } from '../connector-instances/routing.service';
import { TicketLink } from './entities/ticket-link.entity';

type Payload = Record<string, unknown>;

/**
 * Ticket messages name a ticket link, not a vendor id: the id is only known once the upsert
 * delivered. `prepare` fills the target in; `delivered` records the id the upsert returned,
 * in the same transaction that marks the message delivered.
 */
@Injectable()
export class TicketOutboxHook implements OutboxHook, OnModuleInit {
  constructor(
    private readonly outbox: OutboxService,
    private readonly routing: RoutingService,
  ) {}

  onModuleInit(): void {
    this.outbox.useHook(this);
  }

  async prepare(m: EntityManager, command: OutboxCommand): Promise<OutboxCommand | null> {
    if (command.action === 'upsertTicket') return this.withKnownIds(m, command);
    if (
      command.action !== 'noteTicket' &&
      command.action !== 'closeTicket' &&
      command.action !== 'reopenTicket'
    )
      return null;
    const { ticketLinkId } = command.payload;
    const link = await m.getRepository(TicketLink).findOneBy({ id: ticketLinkId });
    if (!link) throw ConnectorError.invalid(`ticket link ${ticketLinkId} no longer exists`);
    if (!link.externalId)
      throw ConnectorError.waiting('the ticket has not been created yet', 5_000);
    const target: ExternalRef = { id: link.externalId };
    return { ...command, payload: { ...command.payload, target } } as OutboxCommand;
  }

  /**
   * A ticket drafted before the helpdesk's companies or configurations were read carries no
   * ids for them: what has been mapped since is filled in at each try, so a retry finds them.
   */
  private async withKnownIds(
    m: EntityManager,
    command: Extract<OutboxCommand, { action: 'upsertTicket' }>,
  ): Promise<OutboxCommand | null> {
    const { draft, ticketLinkId } = command.payload;
    if (draft.client?.externalId && (!draft.device || draft.device.externalId)) return null;
    const [row]: { instance_id: string; client_id: string | null; device_id: string | null }[] =
      await m.query(
        `SELECT l.instance_id, i.client_id, i.device_id FROM ticket_link l
           JOIN incident i ON i.id = l.incident_id WHERE l.id = $1`,
        [ticketLinkId],
      );
    if (!row) return null;
    const ids = await this.routing.externalIds(m, row.instance_id, row.client_id, row.device_id);
    return {
      ...command,
      payload: {
        ...command.payload,
        draft: {
          ...draft,
          ...(draft.client
            ? { client: { ...draft.client, externalId: draft.client.externalId ?? ids.client } }
            : {}),
          ...(draft.device
            ? { device: { ...draft.device, externalId: draft.device.externalId ?? ids.device } }
            : {}),
        },
      },
    };
  }

  async delivered(m: EntityManager, message: OutboxMessage, result: Payload | null): Promise<void> {
    const payload = message.payload as Payload;
    if (typeof payload.ticketLinkId !== 'string') return;
    const now = new Date();
    if (message.action === 'upsertTicket') {
      const ref = result?.ref as ExternalRef | undefined;
      if (ref?.id)
        await m
          .getRepository(TicketLink)
          .update({ id: payload.ticketLinkId }, { externalId: String(ref.id), updatedAt: now });
    } else if (message.action === 'closeTicket' || message.action === 'reopenTicket') {
      const status = message.action === 'closeTicket' ? 'closed' : 'open';
      await m
        .getRepository(TicketLink)
        .update({ id: payload.ticketLinkId }, { status, updatedAt: now });
    }
  }
}
