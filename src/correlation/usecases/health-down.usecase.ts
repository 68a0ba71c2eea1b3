import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Incident } from '../../incidents/entities/incident.entity';
import { details } from '../../incidents/incident-details';
import { IncidentLifecycle } from '../../incidents/incident-lifecycle.service';
import { addDeviceTimeline, currentOrRecentOf } from '../../incidents/incident-store';
import { fail, recur, snapshotOf } from '../../incidents/incident-transitions';
import type { Device } from '../../inventory/entities/device.entity';
import type { HealthEvent } from '../../inventory/entities/health-event.entity';
import type { Verdict } from '../decision-log';
import { DeferredCheck } from '../deferred-check.entity';
import { alertOf, healthFact } from '../health-fact';
import { isExpectedRebootDown } from '../rules/expected-reboot.rule';
import type { RuleSettings } from '../rules/rule-settings';
import { RulesService } from '../rules.service';
import { OpenIncidentUseCase, recentChanges } from './open-incident.usecase';

const label = (e: HealthEvent) => (e.subject ? `${e.kind} ${e.subject}` : e.kind);

/**
 * device.down, service.down, check.failed on a device: in order, history and a stale report
 * are only recorded, an open incident gets worse, a patch reboot gets its grace period, a
 * recent incident recurs, and otherwise a new incident opens.
 */
@Injectable()
export class HealthDownUseCase {
  constructor(
    private readonly rules: RulesService,
    private readonly open: OpenIncidentUseCase,
    private readonly lifecycle: IncidentLifecycle,
  ) {}

  async run(
    m: EntityManager,
    device: Device,
    event: HealthEvent,
    options: { afterGrace?: boolean } = {},
  ): Promise<Verdict> {
    const at = new Date(event.occurredAt);
    const { rules, override } = await this.rules.forClient(m, device.clientId);
    if (event.history) {
      const reason = 'it was already over when it was read (the source reported it closed)';
      const text = `Recorded ${label(event)} as history: ${reason}.`;
      await addDeviceTimeline(m, device.id, at, 'history', text, { healthEventId: event.id });
      return { outcome: 'history', rule: 'history', reason };
    }
    if (await this.recoveredSince(m, device, event)) {
      const reason = 'a later recovery of the same thing is already known';
      const text = `Ignored ${label(event)}: ${reason}.`;
      await addDeviceTimeline(m, device.id, at, 'stale', text, { healthEventId: event.id });
      return { outcome: 'stale', rule: 'stale-event', reason };
    }
    const resolvedSince = new Date(at.getTime() - rules.recurrenceHours * 3_600_000);
    const latest = await currentOrRecentOf(m, device.id, resolvedSince);
    if (latest && latest.state !== 'resolved') return this.worsen(m, latest, device, event);
    if (event.kind === 'device.down' && !options.afterGrace) {
      const waiting = await this.awaitPatchReboot(m, device, event, rules);
      if (waiting) return waiting;
    }
    // The grace path above changes no incident, so `latest` still holds.
    const suppressedReason = await this.maintenance(m, device, at);
    if (latest) return this.recur(m, latest, device, event, rules, suppressedReason);
    const opened = await this.open.run(m, device, event, rules, {
      override,
      suppressedReason,
      evidence: options.afterGrace
        ? [`did not come back healthy within the ${rules.rebootGraceMinutes} min reboot grace`]
        : [],
    });
    const evidence = details(opened.details).evidence;
    return suppressedReason
      ? {
          outcome: 'suppressed',
          rule: 'maintenance-window',
          reason: `incident opened but nobody paged: ${suppressedReason}`,
          incidentId: opened.id,
          evidence,
        }
      : {
          outcome: 'opened',
          rule: 'post-patch-outage',
          reason: `cause ${opened.cause}, confidence ${Math.round(opened.confidence * 100)}%`,
          incidentId: opened.id,
          evidence,
        };
  }

  /** An older failure arriving after the recovery it preceded changes nothing. */
  private async recoveredSince(m: EntityManager, device: Device, event: HealthEvent) {
    const recovery = event.kind.replace('.down', '.up').replace('.failed', '.ok');
    const [newer] = await m.query(
      `SELECT 1 FROM health_event WHERE device_id = $1 AND occurred_at > $2 AND kind = $3 AND subject IS NOT DISTINCT FROM $4 LIMIT 1`,
      [device.id, new Date(event.occurredAt), recovery, event.subject],
    );
    return Boolean(newer);
  }

  private async worsen(
    m: EntityManager,
    current: Incident,
    device: Device,
    event: HealthEvent,
  ): Promise<Verdict> {
    const alert = alertOf(event);
    const newAlert = alert ? await this.lifecycle.linkAlert(m, current, alert) : false;
    const t = fail(snapshotOf(current), healthFact(device, event), newAlert);
    await this.lifecycle.apply(m, current, t, {
      data: { healthEventId: event.id },
      newAlert: newAlert ? alert : undefined,
    });
    return t.changed
      ? { outcome: 'updated', rule: 'open-incident', reason: t.change, incidentId: current.id }
      : {
          outcome: 'repeat',
          rule: 'duplicate-or-flap',
          reason: 'the open incident already says this: no new message',
          incidentId: current.id,
        };
  }

  private async recur(
    m: EntityManager,
    recent: Incident,
    device: Device,
    event: HealthEvent,
    rules: RuleSettings,
    suppressedReason: string | undefined,
  ): Promise<Verdict> {
    const alert = alertOf(event);
    const newAlert = alert ? await this.lifecycle.linkAlert(m, recent, alert) : false;
    const t = recur(snapshotOf(recent), healthFact(device, event), {
      recurrenceHours: rules.recurrenceHours,
      suppressed: Boolean(suppressedReason),
    });
    await this.lifecycle.apply(m, recent, t, {
      data: { healthEventId: event.id },
      newAlert: newAlert ? alert : undefined,
    });
    return {
      outcome: 'recurred',
      rule: 'recurrence',
      reason: `within ${rules.recurrenceHours} h of the recovery of the same device's incident`,
      incidentId: recent.id,
    };
  }

  /**
   * Down during its own patch reboot is expected: the device gets the grace period to come
   * back healthy before it counts as an outage. The verdict when that is what happens.
   */
  private async awaitPatchReboot(
    m: EntityManager,
    device: Device,
    event: HealthEvent,
    rules: RuleSettings,
  ): Promise<Verdict | null> {
    const at = new Date(event.occurredAt);
    const graceEnds = new Date(at.getTime() + rules.rebootGraceMinutes * 60_000);
    const changes = await recentChanges(m, device.id, graceEnds, rules.windowHours);
    const rebootExpected = (c: object) =>
      (c as { rebootRequired?: boolean | null }).rebootRequired !== false;
    if (!isExpectedRebootDown(at, changes, rules, rebootExpected)) return null;
    const pending = await m
      .getRepository(DeferredCheck)
      .findOneBy({ deviceId: device.id, kind: 'reboot-grace', status: 'pending' });
    if (!pending)
      await m.getRepository(DeferredCheck).insert({
        id: randomUUID(),
        deviceId: device.id,
        kind: 'reboot-grace',
        dueAt: graceEnds,
        status: 'pending',
        data: { healthEventId: event.id },
        createdAt: new Date(),
        leaseUntil: null,
      });
    await addDeviceTimeline(
      m,
      device.id,
      at,
      'expected-reboot',
      `Down during its patch reboot: waiting ${rules.rebootGraceMinutes} min for it to come back healthy.`,
      { healthEventId: event.id },
    );
    return {
      outcome: 'expected-reboot',
      rule: 'expected-reboot',
      reason: `down during its patch reboot: ${rules.rebootGraceMinutes} min to come back healthy before it counts`,
      evidence: changes
        .slice(0, 5)
        .map(
          (c) => `${c.kind}${c.patchId ? ` ${c.patchId}` : ''} at ${c.occurredAt.toISOString()}`,
        ),
    };
  }

  private async maintenance(
    m: EntityManager,
    device: Device,
    at: Date,
  ): Promise<string | undefined> {
    const [row] = await m.query(
      `SELECT reason FROM maintenance_window WHERE starts_at <= $1 AND ends_at > $1 AND (device_id = $2 OR (device_id IS NULL AND client_id = $3)) LIMIT 1`,
      [at, device.id, device.clientId],
    );
    return row ? `maintenance window${row.reason ? ` (${row.reason})` : ''}` : undefined;
  }
}
