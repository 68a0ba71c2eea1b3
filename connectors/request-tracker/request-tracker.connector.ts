import type { CanonicalEvent } from '../contract/canonical';
import type {
  CapabilityReport,
  Connector,
  ConnectorContext,
  DeliveryMarker,
  ExternalRef,
  Page,
  RawRecord,
  TicketDraft,
} from '../contract/connector';
import { probe } from '../shared/probe';
import { RtActions } from './request-tracker.actions';
import { RtClient } from './request-tracker.client';
import { asQueue } from './request-tracker.parse';
import { RtPull } from './request-tracker.pull';
import { normalizeRecord } from './request-tracker.records';
import type { RequestTrackerSettings } from './request-tracker.settings';

export class RequestTrackerConnector implements Connector {
  private readonly client: RtClient;
  private readonly pull: RtPull;
  private readonly actions: RtActions;

  constructor(private readonly ctx: ConnectorContext<RequestTrackerSettings>) {
    this.client = new RtClient(ctx.http, ctx.settings);
    this.pull = new RtPull(this.client, ctx.settings, ctx.clock);
    this.actions = new RtActions(this.client, ctx.settings);
  }

  /** Each queue read must exist; the incident queue must carry the key field when one is set. */
  async check(): Promise<CapabilityReport> {
    const { queue, keyField, readQueues } = this.ctx.settings;
    return {
      'tickets.read': await probe(async () => {
        for (const name of readQueues ?? [queue]) await this.queue(name);
      }),
      'tickets.write': await probe(async () => {
        const found = await this.queue(queue);
        if (!keyField) return undefined;
        const applied = (found.TicketCustomFields ?? []).some(
          (f) => f.name === keyField || String(f.id) === keyField,
        );
        return applied
          ? undefined
          : `custom field "${keyField}" does not apply to queue "${queue}" (RT would drop its value)`;
      }),
    };
  }

  private async queue(name: string) {
    return asQueue(await this.client.get(`/queue/${encodeURIComponent(name)}`));
  }

  normalize(raw: RawRecord): CanonicalEvent[] {
    return normalizeRecord(raw);
  }

  pullTickets(cursor: string | null): Promise<Page> {
    return this.pull.tickets(cursor);
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
