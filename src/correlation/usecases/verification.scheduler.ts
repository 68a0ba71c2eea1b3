import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Device } from '../../inventory/entities/device.entity';
import { DeferredCheck } from '../deferred-check.entity';
import { addDeviceTimeline } from '../../incidents/incident-store';
import { RoutingService } from '../../connector-instances/routing.service';
import type { RuleSettings } from '../rules/rule-settings';

/** Schedules the post-patch service check when an RMM that reports services knows the device. */
@Injectable()
export class VerificationScheduler {
  constructor(private readonly routing: RoutingService) {}

  async schedule(
    m: EntityManager,
    device: Device,
    from: Date,
    delayMinutes: number,
    _rules: RuleSettings,
  ): Promise<boolean> {
    const knowing = await this.routing.knowingDevice(m, device.id);
    const reporting = knowing.filter((r) => this.routing.can(r.instance, 'services'));
    if (reporting.length === 0) return false;
    // A monitoring tool may declare `services` too (its service monitors, named its own way and
    // green until their next poll), and forDevice lists the most recently seen tool first. The
    // post-patch check is the RMM's: prefer a tool that also reports the device's patches,
    // whatever order the tools were last seen in.
    const patching = new Set(
      knowing.filter((r) => this.routing.can(r.instance, 'patches')).map((r) => r.instance.id),
    );
    const rmm = [
      ...reporting.filter((r) => patching.has(r.instance.id)),
      ...reporting.filter((r) => !patching.has(r.instance.id)),
    ];
    const pending = await m
      .getRepository(DeferredCheck)
      .findOneBy({ deviceId: device.id, kind: 'verify-services', status: 'pending' });
    if (pending) return true;
    const dueAt = new Date(Math.max(Date.now(), from.getTime() + delayMinutes * 60_000));
    await m.getRepository(DeferredCheck).insert({
      id: randomUUID(),
      deviceId: device.id,
      kind: 'verify-services',
      dueAt,
      status: 'pending',
      data: { instanceId: rmm[0].instance.id, externalId: rmm[0].externalId },
      createdAt: new Date(),
      leaseUntil: null,
    });
    await addDeviceTimeline(
      m,
      device.id,
      from,
      'verification-scheduled',
      `Critical services will be checked through ${rmm[0].instance.name} at ${dueAt.toISOString()}.`,
    );
    return true;
  }
}
