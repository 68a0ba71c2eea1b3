import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { details } from '../../incidents/incident-details';
import type { Device } from '../../inventory/entities/device.entity';
import type { HealthEvent } from '../../inventory/entities/health-event.entity';
import { DeferredCheck } from '../deferred-check.entity';
import {
  addDeviceTimeline,
  addTimeline,
  linkAlert,
  currentOrRecentOf,
  saveDetails,
} from '../../incidents/incident-store';
import { IncidentNotifier } from '../../incidents/incident-notifier';
import { isExpectedRebootDown } from '../rules/expected-reboot.rule';
import { RulesService } from '../rules.service';
import { OpenIncidentUseCase, recentChanges } from './open-incident.usecase';

const label = (e: HealthEvent) => (e.subject ? `${e.kind} ${e.subject}` : e.kind);

/** device.down, service.down, check.failed on a device. */
@Injectable()
export class HealthDownUseCase {
  constructor(
    private readonly rules: RulesService,
    private readonly open: OpenIncidentUseCase,
    private readonly notifier: IncidentNotifier,
  ) {}

  async run(
    m: EntityManager,
    device: Device,
    event: HealthEvent,
    options: { afterGrace?: boolean } = {},
  ): Promise<void> {
    const at = new Date(event.occurredAt);
    const { rules, override } = await this.rules.forClient(m, device.clientId);

    // An older failure arriving after the recovery it preceded changes nothing.
    const [newer] = await m.query(
      `SELECT 1 FROM health_event WHERE device_id = $1 AND occurred_at > $2 AND kind = $3 AND subject IS NOT DISTINCT FROM $4 LIMIT 1`,
      [device.id, at, event.kind.replace('.down', '.up').replace('.failed', '.ok'), event.subject],
    );
    if (newer)
      return addDeviceTimeline(
        m,
        device.id,
        at,
        'stale',
        `Ignored ${label(event)}: a later recovery is already known.`,
      );

    const latest = await currentOrRecentOf(
      m,
      device.id,
      new Date(at.getTime() - rules.recurrenceHours * 3_600_000),
    );
    const current = latest?.state !== 'resolved' ? latest : null;
    if (current) {
      const d = details(current.details);
      const newSubject = event.subject && !d.failed.includes(event.subject);
      const newDown = event.kind === 'device.down' && !d.deviceDown;
      const newProblem = event.problemId
        ? await linkAlert(m, current.id, event.instanceId, event.problemId)
        : false;
      if (!newSubject && !newDown && !newProblem) {
        // Flapping or a duplicate report of what the incident already says: no new message.
        await addTimeline(m, current.id, at, 'repeat', `Repeated: ${label(event)}.`, {
          healthEventId: event.id,
        });
        return;
      }
      const next = {
        ...d,
        failed: newSubject ? [...d.failed, event.subject!] : d.failed,
        deviceDown: d.deviceDown || event.kind === 'device.down',
        recovered: d.recovered.filter((s) => s !== event.subject),
      };
      if (event.kind === 'check.failed' || event.message?.startsWith('post-patch verification'))
        next.verification = [
          ...d.verification,
          {
            subject: event.subject ?? 'check',
            result: 'failed',
            at: at.toISOString(),
            source: event.instanceId,
          },
        ];
      const saved = await saveDetails(m, current, next);
      const change = newDown
        ? `${device.displayName} is now down.`
        : newSubject
          ? `Also failing: ${event.subject}.`
          : `Also reported by another monitor.`;
      const decision = await addTimeline(m, current.id, at, 'updated', change, {
        healthEventId: event.id,
      });
      await this.notifier.updated(
        m,
        saved,
        decision,
        change,
        newProblem && event.problemId
          ? { instanceId: event.instanceId, problemId: event.problemId }
          : undefined,
      );
      return;
    }

    if (event.kind === 'device.down' && !options.afterGrace) {
      const changes = await recentChanges(
        m,
        device.id,
        new Date(at.getTime() + rules.rebootGraceMinutes * 60_000),
        rules.windowHours,
      );
      if (
        isExpectedRebootDown(
          at,
          changes,
          rules,
          (c) => (c as { rebootRequired?: boolean | null }).rebootRequired !== false,
        )
      ) {
        const pending = await m
          .getRepository(DeferredCheck)
          .findOneBy({ deviceId: device.id, kind: 'reboot-grace', status: 'pending' });
        if (!pending) {
          await m.getRepository(DeferredCheck).insert({
            id: randomUUID(),
            deviceId: device.id,
            kind: 'reboot-grace',
            dueAt: new Date(at.getTime() + rules.rebootGraceMinutes * 60_000),
            status: 'pending',
            data: { healthEventId: event.id },
            createdAt: new Date(),
            leaseUntil: null,
          });
        }
        return addDeviceTimeline(
          m,
          device.id,
          at,
          'expected-reboot',
          `Down during its patch reboot: waiting ${rules.rebootGraceMinutes} min for it to come back healthy.`,
          { healthEventId: event.id },
        );
      }
    }

    // The expected-reboot path above changes no incident, so `latest` still holds.
    const recent = latest?.state === 'resolved' ? latest : null;
    const suppressedReason = await this.maintenance(m, device, at);
    if (recent) {
      const d = details(recent.details);
      const saved = await saveDetails(
        m,
        recent,
        {
          ...d,
          failed: event.subject ? [event.subject] : [],
          deviceDown: event.kind === 'device.down',
          recovered: [],
        },
        { state: 'open', resolvedAt: null, suppressed: Boolean(suppressedReason) },
      );
      const newProblem =
        event.problemId && (await linkAlert(m, recent.id, event.instanceId, event.problemId));
      const change = `Recurred: ${label(event)} within ${rules.recurrenceHours} h of recovery.`;
      const decision = await addTimeline(m, recent.id, at, 'recurred', change, {
        healthEventId: event.id,
      });
      await this.notifier.recurred(
        m,
        saved,
        decision,
        change,
        newProblem && event.problemId
          ? { instanceId: event.instanceId, problemId: event.problemId }
          : undefined,
      );
      return;
    }
    await this.open.run(m, device, event, rules, {
      override,
      suppressedReason,
      evidence: options.afterGrace
        ? [`did not come back healthy within the ${rules.rebootGraceMinutes} min reboot grace`]
        : [],
    });
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
