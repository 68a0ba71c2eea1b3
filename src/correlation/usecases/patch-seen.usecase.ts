import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Device } from '../../inventory/entities/device.entity';
import type { PatchEvent } from '../../inventory/entities/patch-event.entity';
import { addDeviceTimeline, addTimeline, openIncidentOf } from '../../incidents/incident-store';
import { RulesService } from '../rules.service';
import { VerificationScheduler } from './verification.scheduler';

/**
 * A reboot after a patch schedules the post-patch service check, whichever of the two is stored
 * first (an RMM reports them on separate streams); rollbacks are noted.
 */
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
    if (event.status === 'installed') {
      await this.installAfterReboot(m, device, event, at);
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

  /** The install arrived after its reboot: the check the reboot could not schedule, once. */
  private async installAfterReboot(m: EntityManager, device: Device, event: PatchEvent, at: Date) {
    const { rules } = await this.rules.forClient(m, device.clientId);
    const [reboot] = await m.query(
      `SELECT id, occurred_at FROM patch_event WHERE device_id = $1 AND status = 'rebooted' AND occurred_at BETWEEN $2 AND $3 ORDER BY occurred_at ASC LIMIT 1`,
      [device.id, at, new Date(at.getTime() + rules.windowHours * 3_600_000)],
    );
    if (!reboot) return;
    const rebootAt = new Date(reboot.occurred_at);
    const [checked] = await m.query(
      `SELECT 1 FROM deferred_check WHERE device_id = $1 AND kind = 'verify-services' AND due_at >= $2 LIMIT 1`,
      [device.id, rebootAt],
    );
    if (checked) return;
    await addDeviceTimeline(
      m,
      device.id,
      rebootAt,
      'post-patch-reboot',
      `Rebooted after ${event.patchId}.`,
      { patchEventId: String(reboot.id) },
    );
    await this.verification.schedule(m, device, rebootAt, rules.verificationDelayMinutes, rules);
  }
}
