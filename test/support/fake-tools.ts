import { IsUrl } from 'class-validator';
import type {
  Connector,
  ConnectorContext,
  ConnectorDefinition,
  DeliveryMarker,
  ExternalRef,
  InboundRequest,
  Page,
  PagingMessage,
  RollbackResult,
  RawRecord,
  TicketDraft,
  WebhookVerdict,
} from '../../connectors/contract/connector';
import type { CanonicalEvent, HealthKind, ServiceState } from '../../connectors/contract/canonical';
import { ConnectorError } from '../../connectors/contract/connector-error';
import { toCanonical } from '../../connectors/generic/generic.mapper';
import type { GenericEvent } from '../../connectors/generic/generic.types';
import { handleGenericWebhook } from '../../connectors/generic/generic.webhook';
import { toConnectorError } from '../../connectors/shared/http';
import { hasSwitchboardToken } from '../../connectors/shared/webhook-signature';

/**
 * Three small in-test tools speaking to a StubVendor over real HTTP: a monitor (problems with
 * ids, notes), a helpdesk (tickets with a searchable key) and an RMM (generic events with
 * device ids, services, rollback). They let correlation be tested end to end without vendors.
 */
export class FakeSettings {
  @IsUrl({ require_tld: false })
  baseUrl!: string;
}

abstract class FakeTool implements Connector {
  constructor(protected readonly ctx: ConnectorContext<FakeSettings>) {}
  protected async call<T>(method: 'GET' | 'POST', path: string, data?: unknown): Promise<T> {
    try {
      return (
        await this.ctx.http.request<T>({ method, url: this.ctx.settings.baseUrl + path, data })
      ).data;
    } catch (err) {
      throw toConnectorError('fake', err);
    }
  }
  async check() {
    return {};
  }
  abstract normalize(raw: RawRecord): CanonicalEvent[];
}

export interface FakeProblem {
  problemId: string;
  status: 'problem' | 'ok';
  at: string;
  client: string;
  host: string;
  service?: string;
  /** The monitor says it was already over when read. */
  history?: boolean;
}

class FakeMonitor extends FakeTool {
  handleWebhook(req: InboundRequest): WebhookVerdict {
    if (!hasSwitchboardToken(req, this.ctx.webhookSecret))
      return { ok: false, status: 401, message: 'bad token' };
    const p = req.body as FakeProblem;
    return {
      ok: true,
      records: [{ type: 'problem', dedupeKey: `${p.problemId}:${p.status}`, payload: p }],
    };
  }
  normalize(raw: RawRecord): CanonicalEvent[] {
    const p = raw.payload as FakeProblem;
    const kind: HealthKind = p.service
      ? p.status === 'problem'
        ? 'service.down'
        : 'service.up'
      : p.status === 'problem'
        ? 'device.down'
        : 'device.up';
    return [
      {
        type: 'health',
        kind,
        subject: p.service,
        problemId: p.problemId,
        occurredAt: new Date(p.at),
        client: { name: p.client },
        device: { hostname: p.host },
        ...(p.history ? { history: true } : {}),
      },
    ];
  }
  /** Once per delivery marker, as the Zabbix connector does: the problem's notes are read first. */
  async pushAlertNote(target: ExternalRef, text: string, delivery?: DeliveryMarker): Promise<void> {
    if (delivery) {
      const notes = await this.call<string[]>('GET', `/monitor/problems/${target.id}/notes`);
      if (notes.some((n) => n.includes(`[${delivery.marker}]`))) return;
    }
    const body = { text: delivery ? marked(text, delivery) : text };
    await this.call('POST', `/monitor/problems/${target.id}/notes`, body);
  }
}

export interface FakeTicket {
  id: string;
  key: string | null;
  summary: string;
  description: string;
  client: string;
  host: string | null;
  status: 'open' | 'closed';
  notes: string[];
  updatedAt: string;
  closedBy?: string;
}

/** The note text as the fake helpdesk stores it: the delivery marker on its own last line. */
export function marked(text: string, { marker }: DeliveryMarker): string {
  return `${text}\n\n[${marker}]`;
}

class FakeHelpdesk extends FakeTool {
  async upsertTicket(draft: TicketDraft): Promise<ExternalRef> {
    const found = await this.call<FakeTicket[]>(
      'GET',
      `/psa/tickets?key=${encodeURIComponent(draft.correlationKey)}`,
    );
    if (found.length > 0) return { id: found[0].id };
    const made = await this.call<FakeTicket>('POST', '/psa/tickets', {
      key: draft.correlationKey,
      summary: draft.summary,
      description: draft.description,
      client: draft.client?.name,
      host: draft.device?.name ?? null,
    });
    return { id: made.id };
  }
  /**
   * Notes once per delivery, as a real helpdesk connector does: the marker is the note's last
   * line, and the ticket's notes are read for it before adding.
   */
  async noteTicket(target: ExternalRef, text: string, delivery: DeliveryMarker): Promise<void> {
    if (await this.noted(target, delivery)) return;
    await this.call('POST', `/psa/tickets/${target.id}/notes`, { text: marked(text, delivery) });
  }
  async closeTicket(target: ExternalRef, note: string, delivery: DeliveryMarker): Promise<void> {
    const body = (await this.noted(target, delivery)) ? {} : { note: marked(note, delivery) };
    await this.call('POST', `/psa/tickets/${target.id}/close`, body);
  }
  async reopenTicket(target: ExternalRef, note: string, delivery: DeliveryMarker): Promise<void> {
    const body = (await this.noted(target, delivery)) ? {} : { note: marked(note, delivery) };
    await this.call('POST', `/psa/tickets/${target.id}/reopen`, body);
  }
  private async noted(target: ExternalRef, { marker }: DeliveryMarker): Promise<boolean> {
    const notes = await this.call<string[]>('GET', `/psa/tickets/${target.id}/notes`);
    return notes.some((n) => n.includes(`[${marker}]`));
  }
  async pullTickets(cursor: string | null): Promise<Page> {
    const tickets = await this.call<FakeTicket[]>(
      'GET',
      `/psa/tickets?since=${encodeURIComponent(cursor ?? '')}`,
    );
    const last =
      tickets
        .map((t) => t.updatedAt)
        .sort()
        .at(-1) ?? cursor;
    return {
      records: tickets.map((t) => ({
        type: 'ticket',
        dedupeKey: `${t.id}:${t.updatedAt}`,
        payload: t,
      })),
      cursor: last,
      more: false,
    };
  }
  normalize(raw: RawRecord): CanonicalEvent[] {
    const t = raw.payload as FakeTicket;
    return [
      {
        type: 'ticket',
        ticketId: t.id,
        summary: t.summary,
        status: t.status,
        closedBy: t.closedBy,
        correlationKey: t.key ?? undefined,
        occurredAt: new Date(t.updatedAt),
        client: { name: t.client },
        ...(t.host ? { device: { hostname: t.host } } : {}),
      },
    ];
  }
}

/** How the fake RMM's agent reports a device on or off line (NinjaOne's `offline` flag). */
export interface FakeAgentStatus {
  kind: 'agent.status';
  id: string;
  hostname: string;
  online: boolean;
  at: string;
}

class FakeRmm extends FakeTool {
  handleWebhook(req: InboundRequest): WebhookVerdict {
    const body = req.body as Partial<FakeAgentStatus>;
    if (body?.kind === 'agent.status') {
      if (!hasSwitchboardToken(req, this.ctx.webhookSecret))
        return { ok: false, status: 401, message: 'wrong secret' };
      return {
        ok: true,
        records: [{ type: 'agent', dedupeKey: `agent:${body.id}:${body.at}`, payload: body }],
      };
    }
    return handleGenericWebhook(req, this.ctx.webhookSecret);
  }
  normalize(raw: RawRecord): CanonicalEvent[] {
    if (raw.type === 'agent') {
      const s = raw.payload as FakeAgentStatus;
      return [
        {
          type: 'device',
          device: { externalId: s.id, hostname: s.hostname },
          online: s.online,
          occurredAt: new Date(s.at),
        },
      ];
    }
    return toCanonical(raw.payload as GenericEvent);
  }
  async getServices(device: ExternalRef): Promise<ServiceState[]> {
    return this.call<ServiceState[]>('GET', `/rmm/devices/${device.id}/services`);
  }
  async runRollback(device: ExternalRef, patchId: string) {
    return this.call<{ jobId: string; status: 'queued' }>(
      'POST',
      `/rmm/devices/${device.id}/rollback`,
      { patchId },
    );
  }
  planRollback(device: ExternalRef, patchId: string) {
    return { script: 'Remove-Patch.ps1', parameters: `-KB ${patchId}`, device: device.id };
  }
  async rollbackResult(device: ExternalRef, jobId: string): Promise<RollbackResult> {
    return this.call<RollbackResult>('GET', `/rmm/devices/${device.id}/jobs/${jobId}`);
  }
}

/** A pager (PagerDuty, a chat channel): records each message it is asked to send. */
class FakePager extends FakeTool {
  normalize(): CanonicalEvent[] {
    return [];
  }
  async notify(message: PagingMessage, delivery: DeliveryMarker): Promise<void> {
    await this.call('POST', '/pager/events', { message, marker: delivery.marker });
  }
}

const define = <C extends Connector>(
  kind: string,
  capabilities: ConnectorDefinition['capabilities'],
  make: (ctx: ConnectorContext<FakeSettings>) => C,
): ConnectorDefinition<FakeSettings> => ({
  kind,
  displayName: kind,
  capabilities,
  settings: FakeSettings,
  defaultPollSeconds: 3600,
  create: make,
});

export const fakeMonitor = define(
  'fake-monitor',
  ['webhooks', 'alerts.note'],
  (ctx) => new FakeMonitor(ctx),
);
export const fakeHelpdesk = define(
  'fake-helpdesk',
  ['tickets.read', 'tickets.write'],
  (ctx) => new FakeHelpdesk(ctx),
);
export const fakeRmm = define(
  'fake-rmm',
  ['webhooks', 'services', 'rollback'],
  (ctx) => new FakeRmm(ctx),
);
export const fakePager = define('fake-pager', ['notify'], (ctx) => new FakePager(ctx));
export const FAKE_TOOLS = [
  fakeMonitor,
  fakeHelpdesk,
  fakeRmm,
  fakePager,
] as ConnectorDefinition<object>[];

export const notFound = () => new ConnectorError('not found', 'not-found', false);
