import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { IncidentSuspect } from './entities/incident-suspect.entity';
import { Incident } from './entities/incident.entity';
import type { TicketLink } from './entities/ticket-link.entity';
import { details, type WaveDecision } from './incident-details';
import { IncidentNotifier, type AlertTarget } from './incident-notifier';
import { addTimeline, linkAlert, saveDetails } from './incident-store';
import type { Transition } from './incident-transitions';

/** A suspect as correlation ranked it, ready to be stored with its incident. */
export type NewSuspect = Omit<IncidentSuspect, 'id' | 'incidentId' | 'decidedBy' | 'decidedAt'>;

/** Everything needed to open an incident; the lifecycle gives it its id and writes it. */
export interface NewIncident {
  incident: Omit<Incident, 'id' | 'updatedAt'>;
  suspects: NewSuspect[];
  /** The monitoring problem that reported the outage, linked at once. */
  alert?: AlertTarget;
  timeline: { text: string; data: Record<string, unknown> };
  suppressedReason?: string;
}

/**
 * The only writer of incident rows. Each change is a transition (pure, in
 * incident-transitions.ts) applied here in the caller's transaction: the row, its timeline
 * entry, and the notifier asked to tell the tools, together or not at all.
 */
@Injectable()
export class IncidentLifecycle {
  constructor(private readonly notifier: IncidentNotifier) {}

  /** Writes a new incident with its suspects, alert and "opened" entry. Tells nobody yet. */
  async open(
    m: EntityManager,
    draft: NewIncident,
  ): Promise<{ incident: Incident; decision: string }> {
    const incident: Incident = { ...draft.incident, id: randomUUID(), updatedAt: new Date() };
    await m.getRepository(Incident).insert(incident);
    for (const s of draft.suspects)
      await m.getRepository(IncidentSuspect).insert({
        ...s,
        id: randomUUID(),
        incidentId: incident.id,
        decidedBy: null,
        decidedAt: null,
      });
    if (draft.alert) await linkAlert(m, incident.id, draft.alert.instanceId, draft.alert.problemId);
    const at = incident.openedAt;
    const decision = await addTimeline(
      m,
      incident.id,
      at,
      'opened',
      draft.timeline.text,
      draft.timeline.data,
    );
    if (draft.suppressedReason)
      await addTimeline(
        m,
        incident.id,
        at,
        'suppressed',
        `Paging suppressed: ${draft.suppressedReason}.`,
      );
    return { incident, decision };
  }

  /** Tells the tools about an incident `open` wrote (after grouping, e.g. into a wave). */
  announceOpened(
    m: EntityManager,
    incident: Incident,
    decision: string,
    alerts: AlertTarget[],
  ): Promise<void> {
    return this.notifier.tell(m, incident, decision, { kind: 'opened', fresh: { alerts } });
  }

  /** Links a monitoring problem to the incident; true when it was not linked before. */
  linkAlert(m: EntityManager, incident: Incident, alert: AlertTarget): Promise<boolean> {
    return linkAlert(m, incident.id, alert.instanceId, alert.problemId);
  }

  /** Applies a transition: the row, the timeline, and the tools told. */
  async apply(
    m: EntityManager,
    incident: Incident,
    t: Transition,
    options: {
      data?: Record<string, unknown>;
      newAlert?: AlertTarget;
      closedTicketLinkId?: string;
    } = {},
  ): Promise<Incident> {
    if (!t.changed) {
      if (t.timeline)
        await addTimeline(m, incident.id, t.at, t.timeline.kind, t.timeline.text, options.data);
      return incident;
    }
    const columns: Partial<Incident> = { state: t.state };
    if (t.resolvedAt !== undefined) columns.resolvedAt = t.resolvedAt;
    if (t.suppressed !== undefined) columns.suppressed = t.suppressed;
    const saved = await saveDetails(m, incident, t.details, columns);
    const decision = await addTimeline(
      m,
      incident.id,
      t.at,
      t.timeline.kind,
      t.timeline.text,
      options.data,
    );
    if (t.notify === 'mitigating')
      await this.notifier.tell(m, saved, decision, { kind: 'mitigating', change: t.change });
    else if (t.notify === 'updated' || t.notify === 'recurred')
      await this.notifier.tell(m, saved, decision, {
        kind: t.notify,
        change: t.change,
        newAlert: options.newAlert,
      });
    else if (t.notify === 'resolved')
      await this.notifier.tell(m, saved, decision, {
        kind: 'resolved',
        change: t.change,
        closedTicketLinkId: options.closedTicketLinkId,
      });
    return saved;
  }

  /** A user's ticket was linked to the incident: its ticket and the incident's are noted. */
  async userTicketLinked(
    m: EntityManager,
    incident: Incident,
    link: TicketLink,
    evidence: string,
    timeline: { at: Date; text: string; data: Record<string, unknown> },
  ): Promise<void> {
    const decision = await addTimeline(
      m,
      incident.id,
      timeline.at,
      'user-ticket',
      timeline.text,
      timeline.data,
    );
    await this.notifier.tell(m, incident, decision, { kind: 'user-ticket-linked', link, evidence });
  }

  /** Opens the parent of a patch wave. */
  async openWave(
    m: EntityManager,
    parent: Omit<Incident, 'updatedAt'>,
    wave: WaveDecision,
  ): Promise<Incident> {
    const row: Incident = { ...parent, updatedAt: new Date() };
    await m.getRepository(Incident).insert(row);
    await addTimeline(m, row.id, row.openedAt, 'opened', wave.recommendation, { wave });
    return row;
  }

  /** The wave grew: its parent's title and figures follow. */
  async updateWave(
    m: EntityManager,
    parent: Incident,
    title: string,
    wave: WaveDecision,
  ): Promise<void> {
    await m
      .getRepository(Incident)
      .update(
        { id: parent.id },
        { title, details: { ...details(parent.details), wave }, updatedAt: new Date() },
      );
  }

  /**
   * An incident joins a wave. One opened before the wave formed learns of it on its ticket;
   * the one being opened now (`quiet`) says it in its own opening message.
   */
  async joinWave(
    m: EntityManager,
    childId: string,
    parent: Incident,
    wave: WaveDecision,
    quiet: boolean,
  ): Promise<void> {
    const now = new Date();
    await m.getRepository(Incident).update({ id: childId }, { parentId: parent.id });
    await addTimeline(m, parent.id, now, 'child', `Incident ${childId} joined the wave.`, {
      incidentId: childId,
    });
    if (quiet) return;
    const child = await m.getRepository(Incident).findOneByOrFail({ id: childId });
    const decision = await addTimeline(m, child.id, now, 'wave', wave.recommendation, {
      parentId: parent.id,
    });
    await this.notifier.tell(m, child, decision, {
      kind: 'updated',
      change: `Part of a patch wave: ${wave.recommendation}`,
    });
  }
}
