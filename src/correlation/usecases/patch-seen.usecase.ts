import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Device } from '../../inventory/entities/device.entity';
import type { PatchEvent } from '../../inventory/entities/patch-event.entity';
import { addDeviceTimeline, addTimeline, openIncidentOf } from '../incident-store';
import { RulesService } from '../rules.service';
import { VerificationScheduler } from './verification.scheduler';

/** A reboot after a patch schedules the post-patch service check; rollbacks are noted. */
@Injectable()
export class PatchSeenUseCase {
  constructor(
    private readonly rules: RulesService,
    private readonly verification: VerificationScheduler,
  ) {}

  async run(m: EntityManager, device: Device, event: PatchEvent): Promise<void> {
    const at = new Date(event.occurredAt);
    if (event.status === 'rebooted') {
      const { rules } = await this.rules.forClient(m, device.clientId);
      const [patched] = await m.query(
        `SELECT patch_id FROM patch_event WHERE device_id = $1 AND status = 'installed' AND occurred_at BETWEEN $2 AND $3 ORDER BY occurred_at DESC LIMIT 1`,
        [device.id, new Date(at.getTime() - rules.windowHours * 3_600_000), at],
      );
      if (patched) {
        await addDeviceTimeline(
          m,
          device.id,
          at,
          'post-patch-reboot',
          `Rebooted after ${patched.patch_id}.`,
          { patchEventId: event.id },
        );
        await this.verification.schedule(m, device, at, rules.verificationDelayMinutes, rules);
      }
      return;
    }
    if (event.status === 'rolled_back') {
      const incident = await openIncidentOf(m, device.id);
      if (incident)
        await addTimeline(
          m,
          incident.id,
          at,
          'rolled-back',
          `${event.patchId} was rolled back on ${device.displayName}.`,
          { patchEventId: event.id },
        );
    }
  }
}
