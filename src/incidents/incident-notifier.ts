import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { PagingMessage, TicketDraft } from '../../connectors/contract/connector';
import { AlertLink } from './entities/alert-link.entity';
import type { Incident } from './entities/incident.entity';
import { TicketLink } from './entities/ticket-link.entity';
import { details } from './incident-details';
import { OutboxService } from '../outbox/outbox.service';
import type { IncidentView } from '../rendering/incident-view';
import { TemplateRenderer, type TemplateName } from '../rendering/renderer';
import { IncidentViewBuilder } from './incident-view.builder';
import { RoutingService } from '../connector-instances/routing.service';
import { afterCommit, arrivalOf } from '../common/after-commit';
import { MetricsService } from '../common/metrics.service';

type Priority = TicketDraft['priority'];
/** An alert linked to an incident: the monitoring instance and its problem id. */
export type AlertTarget = Pick<AlertLink, 'instanceId' | 'problemId'>;

/** What happened to an incident, as the notifier needs to know it. */
export type News =
  | { kind: 'opened'; fresh?: { alerts: AlertTarget[] } }
  | { kind: 'updated'; change: string; newAlert?: AlertTarget }
  | { kind: 'resolved'; change: string; closedTicketLinkId?: string }
  | { kind: 'recurred'; change: string; newAlert?: AlertTarget }
  | { kind: 'mitigating'; change: string }
  | { kind: 'user-ticket-linked'; link: TicketLink; evidence: string };

/** How loud: a device down or a wave is critical, a failed service an error. */
function pagingSeverity(incident: Incident): PagingMessage['severity'] {
  const d = details(incident.details);
  if (d.wave || d.deviceDown) return 'critical';
  return d.failed.length > 0 ? 'error' : 'warning';
}

const UPDATED = { template: 'ticket/note-updated', action: 'noteTicket' } as const;
const RECURRED = { template: 'ticket/note-recurred', action: 'reopenTicket' } as const;

/**
 * Turns incident decisions into outbox messages, in the caller's transaction: notes on the
 * monitoring problems, one ticket per helpdesk and notes on it. `decision` makes every
 * message's idempotency key unique to the decision that caused it.
 */
@Injectable()
export class IncidentNotifier {
  private readonly logger = new Logger('Incidents');

  constructor(
    private readonly renderer: TemplateRenderer,
    private readonly outbox: OutboxService,
    private readonly routing: RoutingService,
    private readonly views: IncidentViewBuilder,
    private readonly metrics: MetricsService,
  ) {}

  /** The operator's line for an incident opened, resolved or back, once it is committed. */
  private recordLifecycle(m: EntityManager, incident: Incident, news: News): void {
    if (news.kind !== 'opened' && news.kind !== 'resolved' && news.kind !== 'recurred') return;
    const fields = {
      event: `incident.${news.kind}`,
      incidentId: incident.id,
      deviceId: incident.deviceId,
      clientId: incident.clientId,
      cause: incident.cause,
      suppressed: incident.suppressed,
      ...(news.kind === 'opened' ? {} : { change: news.change }),
    };
    const arrived = arrivalOf(m);
    afterCommit(m, () => {
      this.metrics.incidents.inc({ event: news.kind, cause: incident.cause });
      // From the record's arrival (webhook or poll) to the decision being committed.
      if (arrived)
        this.metrics.webhookToIncidentSeconds.observe(
          { event: news.kind },
          (Date.now() - arrived.getTime()) / 1000,
        );
      this.logger.log(fields, `incident ${news.kind}: ${incident.title}`);
    });
  }

  /** Call once the transaction that made decisions has committed: delivery starts at once. */
  committed(): void {
    this.outbox.notify();
  }

  private priority(incident: Incident): Priority {
    const d = details(incident.details);
    if (d.wave || d.deviceDown) return 'critical';
    return d.failed.length > 0 ? 'high' : 'medium';
  }

  private async alertNotes(
    m: EntityManager,
    incident: Incident,
    decision: string,
    text: string,
    only?: { instanceId: string; problemId: string },
    known?: AlertTarget[],
  ) {
    const links = known ?? (await m.getRepository(AlertLink).findBy({ incidentId: incident.id }));
    for (const link of links) {
      if (only && (link.instanceId !== only.instanceId || link.problemId !== only.problemId))
        continue;
      await this.outbox.enqueue(m, {
        instanceId: link.instanceId,
        action: 'pushAlertNote',
        payload: { target: { id: link.problemId }, text },
        idempotencyKey: `${incident.key}:${decision}:note:${link.instanceId}:${link.problemId}`,
        incidentId: incident.id,
      });
    }
  }

  private async ticketNotes(
    m: EntityManager,
    incident: Incident,
    decision: string,
    text: string,
    action: 'noteTicket' | 'closeTicket' | 'reopenTicket' = 'noteTicket',
    skipLinkId?: string,
  ) {
    const links = await m
      .getRepository(TicketLink)
      .findBy({ incidentId: incident.id, relation: 'incident-ticket' });
    for (const link of links) {
      if (link.id === skipLinkId) continue;
      const common = {
        instanceId: link.instanceId,
        idempotencyKey: `${incident.key}:${decision}:${action}:${link.id}`,
        incidentId: incident.id,
      };
      await this.outbox.enqueue(
        m,
        action === 'noteTicket'
          ? { ...common, action, payload: { ticketLinkId: link.id, text } }
          : { ...common, action, payload: { ticketLinkId: link.id, note: text } },
      );
    }
  }

  private async openTickets(
    m: EntityManager,
    incident: Incident,
    view: IncidentView,
    decision: string,
    fresh: boolean,
  ) {
    const instances = await this.routing.forClient(
      m,
      incident.clientId,
      'tickets',
      'tickets.write',
    );
    for (const instance of instances) {
      const existing = fresh
        ? null
        : await m.getRepository(TicketLink).findOneBy({
            incidentId: incident.id,
            instanceId: instance.id,
            relation: 'incident-ticket',
          });
      const linkId = existing?.id ?? randomUUID();
      if (!existing) {
        await m.getRepository(TicketLink).insert({
          id: linkId,
          incidentId: incident.id,
          instanceId: instance.id,
          externalId: null,
          relation: 'incident-ticket',
          status: 'open',
          createdAt: new Date(),
          updatedAt: new Date(),
        });
      }
      const ids = await this.routing.externalIds(
        m,
        instance.id,
        incident.clientId,
        incident.deviceId,
      );
      const draft: TicketDraft = {
        correlationKey: incident.key,
        summary: this.renderer.render('ticket/summary', view),
        description: this.renderer.render('ticket/description', view),
        priority: this.priority(incident),
        ...(view.client ? { client: { name: view.client.name, externalId: ids.client } } : {}),
        ...(view.device ? { device: { name: view.device.name, externalId: ids.device } } : {}),
      };
      await this.outbox.enqueue(m, {
        instanceId: instance.id,
        action: 'upsertTicket',
        payload: { ticketLinkId: linkId, draft },
        idempotencyKey: `${incident.key}:${decision}:ticket:${instance.id}`,
        incidentId: incident.id,
      });
    }
  }

  /**
   * The one way in: what happened to the incident, told to every tool that should hear it.
   * A suppressed incident (maintenance window) pages nobody; linking a user ticket still notes
   * that ticket, since a person is waiting on it.
   */
  async tell(m: EntityManager, incident: Incident, decision: string, news: News): Promise<void> {
    this.recordLifecycle(m, incident, news);
    if (incident.suppressed && news.kind !== 'user-ticket-linked') return;
    switch (news.kind) {
      case 'opened':
        await this.opened(m, incident, decision, news.fresh);
        return this.page(m, incident, decision, 'opened');
      case 'updated':
        await this.changed(m, incident, decision, news.change, UPDATED, news.newAlert);
        return;
      case 'resolved':
        await this.resolved(m, incident, decision, news.change, news.closedTicketLinkId);
        return this.page(m, incident, decision, 'resolved', news.change);
      case 'recurred':
        await this.recurred(m, incident, decision, news.change, news.newAlert);
        return this.page(m, incident, decision, 'recurred', news.change);
      case 'mitigating':
        // The ticket hears that a rollback runs; the pager is acknowledged.
        await this.changed(m, incident, decision, news.change, UPDATED);
        return this.page(m, incident, decision, 'mitigating', news.change);
      case 'user-ticket-linked':
        return this.linkedUserTicket(m, incident, decision, news.link, news.evidence);
    }
  }

  /**
   * `fresh`: the incident was created in this transaction with exactly `fresh.alerts` linked,
   * so nothing needs looking up (each lookup is a round trip on the way to a decision).
   */
  private async opened(
    m: EntityManager,
    incident: Incident,
    decision: string,
    fresh?: { alerts: AlertTarget[] },
  ): Promise<void> {
    const view = await this.views.build(m, incident);
    const text = this.renderer.render('alert-note/opened', view);
    await this.alertNotes(m, incident, decision, text, undefined, fresh?.alerts);
    await this.openTickets(m, incident, view, decision, Boolean(fresh));
  }

  /**
   * A change on an incident that stays open: the opening text on a newly linked problem, and
   * `template` on the ticket(s) as `action`. Returns the view, for follow-ups.
   */
  private async changed(
    m: EntityManager,
    incident: Incident,
    decision: string,
    change: string,
    ticket: { template: TemplateName; action: 'noteTicket' | 'reopenTicket' },
    newProblem?: AlertTarget,
  ): Promise<IncidentView> {
    const view = await this.views.build(m, incident, change);
    if (newProblem) {
      const text = this.renderer.render('alert-note/opened', view);
      await this.alertNotes(m, incident, decision, text, newProblem);
    }
    const text = this.renderer.render(ticket.template, view);
    await this.ticketNotes(m, incident, decision, text, ticket.action);
    return view;
  }

  private async resolved(
    m: EntityManager,
    incident: Incident,
    decision: string,
    change: string,
    closedTicketLinkId?: string,
  ): Promise<void> {
    const view = await this.views.build(m, incident, change);
    await this.alertNotes(m, incident, decision, this.renderer.render('alert-note/resolved', view));
    await this.ticketNotes(
      m,
      incident,
      decision,
      this.renderer.render('ticket/note-resolved', view),
      'closeTicket',
      closedTicketLinkId,
    );
  }

  private async recurred(
    m: EntityManager,
    incident: Incident,
    decision: string,
    change: string,
    newProblem?: AlertTarget,
  ): Promise<void> {
    // Always a reopen, never a plain note: a close still queued is delivered first (one
    // incident's messages to one instance go in order), and the reopen then undoes it.
    const view = await this.changed(m, incident, decision, change, RECURRED, newProblem);
    // Upsert is idempotent on the incident key: it finds the existing ticket, and opens one in
    // a helpdesk routed to this client since.
    await this.openTickets(m, incident, view, `${decision}:reopen`, false);
  }

  /**
   * The people on call, once per change of state: the paging channels routed to the client
   * (else every enabled one). A follow-up (mitigating, resolved) goes only where the opening
   * went, with the opening's severity, so a channel's threshold treats them alike.
   */
  private async page(
    m: EntityManager,
    incident: Incident,
    decision: string,
    event: PagingMessage['event'],
    change?: string,
  ): Promise<void> {
    const channels = await this.routing.forClient(m, incident.clientId, 'paging', 'notify');
    if (channels.length === 0) return;
    const view = await this.views.build(m, incident, change);
    // The summary is the promised sentence alone; the rollback page is the message's own line.
    const summary = this.renderer.render(
      event === 'resolved' ? 'alert-note/resolved' : 'alert-note/opened',
      { ...view, links: { ...view.links, rollback: null } },
    );
    const text = this.renderer.render('paging/message', view);
    for (const channel of channels) {
      const opening = event === 'opened' || event === 'recurred';
      const severity = opening
        ? pagingSeverity(incident)
        : await this.pagedSeverity(m, incident.id, channel.id);
      if (!severity) continue;
      const message: PagingMessage = {
        incidentKey: incident.key,
        event,
        severity,
        summary,
        text,
        link: view.links.incident,
        ...(view.client ? { client: view.client.name } : {}),
        ...(view.device ? { device: view.device.name } : {}),
      };
      await this.outbox.enqueue(m, {
        instanceId: channel.id,
        action: 'notify',
        payload: { message },
        idempotencyKey: `${incident.key}:${decision}:page:${channel.id}`,
        incidentId: incident.id,
      });
    }
  }

  private async pagedSeverity(
    m: EntityManager,
    incidentId: string,
    instanceId: string,
  ): Promise<PagingMessage['severity'] | undefined> {
    const [row]: { severity: PagingMessage['severity'] }[] = await m.query(
      `SELECT payload->'message'->>'severity' AS severity FROM outbox_message
        WHERE incident_id = $1 AND instance_id = $2 AND action = 'notify'
          AND payload->'message'->>'event' IN ('opened', 'recurred')
        ORDER BY id DESC LIMIT 1`,
      [incidentId, instanceId],
    );
    return row?.severity;
  }

  private async linkedUserTicket(
    m: EntityManager,
    incident: Incident,
    decision: string,
    userLink: TicketLink,
    evidence: string,
  ): Promise<void> {
    const view = await this.views.build(
      m,
      incident,
      `User ticket ${userLink.externalId} was linked to this incident: ${evidence}.`,
    );
    const text = this.renderer.render('ticket/note-linked', view);
    await this.ticketNotes(m, incident, decision, text);
    await this.outbox.enqueue(m, {
      instanceId: userLink.instanceId,
      action: 'noteTicket',
      payload: { ticketLinkId: userLink.id, text },
      idempotencyKey: `${incident.key}:${decision}:user-note:${userLink.id}`,
      incidentId: incident.id,
    });
  }
}
