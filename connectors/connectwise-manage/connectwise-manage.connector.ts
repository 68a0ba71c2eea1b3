import type { CanonicalEvent } from '../contract/canonical';
import type {
  CapabilityReport,
  Connector,
  ConnectorContext,
  DeliveryMarker,
  ExternalRef,
  InboundRequest,
  Page,
  RawRecord,
  TicketDraft,
  WebhookVerdict,
} from '../contract/connector';
import { probe } from '../shared/probe';
import { ManageActions } from './connectwise-manage.actions';
import { ManageClient } from './connectwise-manage.client';
import { ManageLookup } from './connectwise-manage.lookup';
import { ManagePull } from './connectwise-manage.pull';
import { normalizeRecord } from './connectwise-manage.records';
import type { ConnectWiseManageSettings } from './connectwise-manage.settings';
import { closedStatusOf } from './connectwise-manage.status';
import { handleManageCallback } from './connectwise-manage.webhook';

export class ConnectWiseManageConnector implements Connector {
  private readonly client: ManageClient;
  private readonly lookup: ManageLookup;
  private readonly pull: ManagePull;
  private readonly actions: ManageActions;

  constructor(private readonly ctx: ConnectorContext<ConnectWiseManageSettings>) {
    this.client = new ManageClient(ctx.http, ctx.settings);
    this.lookup = new ManageLookup(this.client, ctx.settings);
    this.pull = new ManagePull(this.client, ctx.settings, ctx.clock);
    this.actions = new ManageActions(this.client, this.lookup, ctx.settings);
  }

  async check(): Promise<CapabilityReport> {
    const one = { page: 1, pageSize: 1 };
    const { boardId } = this.ctx.settings;
    return {
      devices: await probe(async () => {
        await this.client.get('/company/companies', one);
        await this.client.get('/company/configurations', one);
      }),
      'tickets.read': await probe(async () => {
        await this.client.get('/service/tickets', one);
      }),
      'tickets.write': await probe(async () => {
        const statuses = await this.lookup.boardStatuses(boardId);
        return closedStatusOf(statuses, this.ctx.settings)
          ? undefined
          : `board ${boardId} has no active closed status named "${this.ctx.settings.closedStatusName}"`;
      }),
      webhooks: this.ctx.webhookSecret
        ? { status: 'ok' }
        : { status: 'error', detail: 'the instance has no webhook secret' },
    };
  }

  normalize(raw: RawRecord): CanonicalEvent[] {
    return normalizeRecord(raw);
  }

  pullDevices(cursor: string | null): Promise<Page> {
    return this.pull.devices(cursor);
  }

  pullTickets(cursor: string | null): Promise<Page> {
    return this.pull.tickets(cursor);
  }

  handleWebhook(req: InboundRequest): WebhookVerdict {
    return handleManageCallback(req, this.ctx.webhookSecret);
  }

  upsertTicket(draft: TicketDraft): Promise<ExternalRef> {
    return this.actions.upsertTicket(draft);
  }

  noteTicket(target: ExternalRef, text: string, delivery: DeliveryMarker): Promise<void> {
    return this.actions.noteTicket(target, text, delivery);
  }

  closeTicket(target: ExternalRef, note: string, delivery: DeliveryMarker): Promise<void> {
    return this.actions.closeTicket(target, note, delivery);
  }

  reopenTicket(target: ExternalRef, note: string, delivery: DeliveryMarker): Promise<void> {
    return this.actions.reopenTicket(target, note, delivery);
  }
}
