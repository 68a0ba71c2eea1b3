import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Device } from '../../inventory/entities/device.entity';
import type { HealthEvent } from '../../inventory/entities/health-event.entity';
import { DeferredCheck } from '../deferred-check.entity';
import { IncidentLifecycle } from '../../incidents/incident-lifecycle.service';
import { addDeviceTimeline, openIncidentOf } from '../../incidents/incident-store';
import { recover, snapshotOf } from '../../incidents/incident-transitions';
import type { Verdict } from '../decision-log';
import { healthFact } from '../health-fact';
import { RulesService } from '../rules.service';
import { VerificationScheduler } from './verification.scheduler';

/** device.up, service.up, check.ok: recoveries end reboot waits and resolve incidents. */
@Injectable()
export class HealthUpUseCase {
  constructor(
    private readonly lifecycle: IncidentLifecycle,
    private readonly rules: RulesService,
    private readonly verification: VerificationScheduler,
  ) {}

  async run(m: EntityManager, device: Device, event: HealthEvent): Promise<Verdict> {
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
        return {
          outcome: 'reboot-ok',
          rule: 'expected-reboot',
          reason:
            'back from its patch reboot within the grace period: not an outage; services checked next',
        };
      }
    }
    const incident = await openIncidentOf(m, device.id);
    if (!incident)
      return {
        outcome: 'no-incident',
        rule: 'recovery',
        reason: 'no open incident on this device',
      };
    const t = recover(snapshotOf(incident), healthFact(device, event));
    await this.lifecycle.apply(m, incident, t, { data: { healthEventId: event.id } });
    if (!t.changed)
      return {
        outcome: 'ignored',
        rule: 'recovery',
        reason: `${event.subject ?? event.kind} was not failing on the open incident`,
        incidentId: incident.id,
      };
    return {
      outcome: t.state === 'resolved' ? 'resolved' : 'recovering',
      rule: 'recovery',
      reason: t.change,
      incidentId: incident.id,
    };
  }
}
