import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Incident } from '../../incidents/entities/incident.entity';
import { IncidentLifecycle } from '../../incidents/incident-lifecycle.service';
import { addDeviceTimeline, currentOrRecentOf } from '../../incidents/incident-store';
import { fail, recur, snapshotOf } from '../../incidents/incident-transitions';
import type { Device } from '../../inventory/entities/device.entity';
import type { HealthEvent } from '../../inventory/entities/health-event.entity';
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
  ): Promise<void> {
    const at = new Date(event.occurredAt);
    const { rules, override } = await this.rules.forClient(m, device.clientId);
    if (event.history) {
      const text = `Recorded ${label(event)} as history: it was already over when it was read.`;
      return addDeviceTimeline(m, device.id, at, 'history', text, { healthEventId: event.id });
    }
    if (await this.recoveredSince(m, device, event)) {
      const text = `Ignored ${label(event)}: a later recovery is already known.`;
      return addDeviceTimeline(m, device.id, at, 'stale', text);
    }
    const resolvedSince = new Date(at.getTime() - rules.recurrenceHours * 3_600_000);
    const latest = await currentOrRecentOf(m, device.id, resolvedSince);
    if (latest && latest.state !== 'resolved') return this.worsen(m, latest, device, event);
    if (event.kind === 'device.down' && !options.afterGrace)
      if (await this.awaitPatchReboot(m, device, event, rules)) return;
    // The grace path above changes no incident, so `latest` still holds.
    const suppressedReason = await this.maintenance(m, device, at);
    if (latest) return this.recur(m, latest, device, event, rules, suppressedReason);
    await this.open.run(m, device, event, rules, {
      override,
      suppressedReason,
      evidence: options.afterGrace
        ? [`did not come back healthy within the ${rules.rebootGraceMinutes} min reboot grace`]
        : [],
    });
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

  private async worsen(m: EntityManager, current: Incident, device: Device, event: HealthEvent) {
    const alert = alertOf(event);
    const newAlert = alert ? await this.lifecycle.linkAlert(m, current, alert) : false;
    await this.lifecycle.apply(
      m,
      current,
      fail(snapshotOf(current), healthFact(device, event), newAlert),
      {
        data: { healthEventId: event.id },
        newAlert: newAlert ? alert : undefined,
      },
    );
  }

  private async recur(
    m: EntityManager,
    recent: Incident,
    device: Device,
    event: HealthEvent,
    rules: RuleSettings,
    suppressedReason: string | undefined,
  ) {
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
  }

  /**
   * Down during its own patch reboot is expected: the device gets the grace period to come
   * back healthy before it counts as an outage. True when that is what happens.
   */
  private async awaitPatchReboot(
    m: EntityManager,
    device: Device,
    event: HealthEvent,
    rules: RuleSettings,
  ): Promise<boolean> {
    const at = new Date(event.occurredAt);
    const graceEnds = new Date(at.getTime() + rules.rebootGraceMinutes * 60_000);
    const changes = await recentChanges(m, device.id, graceEnds, rules.windowHours);
    const rebootExpected = (c: object) =>
      (c as { rebootRequired?: boolean | null }).rebootRequired !== false;
    if (!isExpectedRebootDown(at, changes, rules, rebootExpected)) return false;
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
    return true;
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
