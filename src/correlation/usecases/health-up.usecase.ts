import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { details } from '../../incidents/incident-details';
import type { Device } from '../../inventory/entities/device.entity';
import type { HealthEvent } from '../../inventory/entities/health-event.entity';
import { DeferredCheck } from '../deferred-check.entity';
import {
  addDeviceTimeline,
  addTimeline,
  openIncidentOf,
  saveDetails,
} from '../../incidents/incident-store';
import { IncidentNotifier } from '../../incidents/incident-notifier';
import { RulesService } from '../rules.service';
import { VerificationScheduler } from './verification.scheduler';

/** device.up, service.up, check.ok: recoveries end reboot waits and resolve incidents. */
@Injectable()
export class HealthUpUseCase {
  constructor(
    private readonly notifier: IncidentNotifier,
    private readonly rules: RulesService,
    private readonly verification: VerificationScheduler,
  ) {}

  async run(m: EntityManager, device: Device, event: HealthEvent): Promise<void> {
    const at = new Date(event.occurredAt);
    if (event.kind === 'device.up') {
      const waiting = await m
        .getRepository(DeferredCheck)
        .findOneBy({ deviceId: device.id, kind: 'reboot-grace', status: 'pending' });
      if (waiting) {
        await m.getRepository(DeferredCheck).update({ id: waiting.id }, { status: 'done' });
        await addDeviceTimeline(
          m,
          device.id,
          at,
          'expected-reboot',
          'Came back from its patch reboot within the grace period: not an outage.',
          { healthEventId: event.id },
        );
        const { rules } = await this.rules.forClient(m, device.clientId);
        // Back up is not healthy yet: its critical services are checked now.
        await this.verification.schedule(m, device, at, 0, rules);
        return;
      }
    }
    const incident = await openIncidentOf(m, device.id);
    if (!incident) return;
    const d = details(incident.details);
    const recovers =
      event.kind === 'device.up'
        ? d.deviceDown
        : Boolean(event.subject && d.failed.includes(event.subject));
    if (!recovers) return;
    const next = {
      ...d,
      deviceDown: event.kind === 'device.up' ? false : d.deviceDown,
      failed: event.kind === 'device.up' ? d.failed : d.failed.filter((s) => s !== event.subject),
      recovered:
        event.subject && event.kind !== 'device.up' ? [...d.recovered, event.subject] : d.recovered,
      verification:
        event.kind === 'check.ok' || event.message?.startsWith('post-patch verification')
          ? [
              ...d.verification,
              {
                subject: event.subject ?? 'check',
                result: 'ok' as const,
                at: at.toISOString(),
                source: event.instanceId,
              },
            ]
          : d.verification,
    };
    const healthy = !next.deviceDown && next.failed.length === 0;
    const change =
      event.kind === 'device.up'
        ? `${device.displayName} is up again.`
        : `${event.subject} is running again.`;
    if (!healthy) {
      const saved = await saveDetails(m, incident, next);
      const decision = await addTimeline(m, incident.id, at, 'recovering', change, {
        healthEventId: event.id,
      });
      await this.notifier.updated(m, saved, decision, change);
      return;
    }
    const saved = await saveDetails(
      m,
      incident,
      { ...next, resolution: { by: 'switchboard', note: change } },
      { state: 'resolved', resolvedAt: at },
    );
    const decision = await addTimeline(m, incident.id, at, 'resolved', `Resolved: ${change}`, {
      healthEventId: event.id,
    });
    await this.notifier.resolved(m, saved, decision, change);
  }
}
