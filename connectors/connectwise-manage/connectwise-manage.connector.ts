import type { CanonicalEvent } from '../contract/canonical';
import type {
  CapabilityReport,
  CapabilityStatus,
  Connector,
  ConnectorContext,
  ExternalRef,
  InboundRequest,
  Page,
  RawRecord,
  TicketDraft,
  WebhookVerdict,
} from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { ManageActions } from './connectwise-manage.actions';
import { ManageClient } from './connectwise-manage.client';
import { ManageLookup } from './connectwise-manage.lookup';
import { ManagePull } from './connectwise-manage.pull';
import { normalizeRecord } from './connectwise-manage.records';
import type { ConnectWiseManageSettings } from './connectwise-manage.settings';
import { closedStatusOf } from './connectwise-manage.status';
import { handleManageCallback } from './connectwise-manage.webhook';

type Probe = { status: CapabilityStatus; detail?: string };

/** Runs one probe; a security-role refusal is "denied", anything else that fails is "error". */
async function probe(run: () => Promise<string | undefined>): Promise<Probe> {
  try {
    const problem = await run();
    return problem ? { status: 'error', detail: problem } : { status: 'ok' };
  } catch (err) {
    const error = err instanceof ConnectorError ? err : undefined;
    if (error?.reason === 'denied') return { status: 'denied', detail: error.message };
    return { status: 'error', detail: error?.message ?? 'connectwise-manage: probe failed' };
  }
}

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
        return undefined;
      }),
      'tickets.read': await probe(async () => {
        await this.client.get('/service/tickets', one);
        return undefined;
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

  noteTicket(target: ExternalRef, text: string): Promise<void> {
    return this.actions.noteTicket(target, text);
  }

  closeTicket(target: ExternalRef, note: string): Promise<void> {
    return this.actions.closeTicket(target, note);
  }

  reopenTicket(target: ExternalRef, note: string): Promise<void> {
    return this.actions.reopenTicket(target, note);
  }
}
