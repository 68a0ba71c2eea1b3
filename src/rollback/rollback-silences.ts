import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { RoutingService } from '../connector-instances/routing.service';
import type { Device } from '../inventory/entities/device.entity';
import { OutboxService } from '../outbox/outbox.service';
import type { Rollback } from './entities/rollback.entity';

/** Minutes a silence outlives the rollback's own limits, should its lifting never come. */
const SILENCE_MARGIN_MINUTES = 15;

const silenceKey = (rollbackId: string, instanceId: string) =>
  `silence:${rollbackId}:${instanceId}`;

/**
 * While a rollback removes a patch and reboots the server, the monitoring tools that can
 * silence (their connector has the alerts.silence capability) are asked to keep the device quiet, and asked to lift it when the
 * rollback ends, however it ends. Each instance decides in its settings whether it silences.
 */
@Injectable()
export class RollbackSilences {
  constructor(
    private readonly routing: RoutingService,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
  ) {}

  async silence(m: EntityManager, r: Rollback, device: Device): Promise<void> {
    const env = this.config.env;
    const minutes =
      env.ROLLBACK_TIMEOUT_MINUTES + env.ROLLBACK_VERIFY_MINUTES + SILENCE_MARGIN_MINUTES;
    const endsAt = new Date(Date.now() + minutes * 60_000).toISOString();
    for (const { instance, externalId } of await this.routing.forDevice(
      m,
      device.id,
      'alerts.silence',
    ))
      await this.outbox.enqueue(m, {
        instanceId: instance.id,
        action: 'silenceDevice',
        payload: {
          device: { id: externalId },
          endsAt,
          reason: `Switchboard: rollback of ${r.patchId} on ${device.displayName} requested by ${r.requestedBy}`,
          link: `${this.config.publicUrl}/console/incidents/${r.incidentId}`,
        },
        idempotencyKey: silenceKey(r.id, instance.id),
        incidentId: r.incidentId,
      });
  }

  /** Every silence this rollback asked for is lifted (after it was made: same incident, in order). */
  async lift(m: EntityManager, r: Rollback): Promise<void> {
    const made: { instance_id: string; idempotency_key: string }[] = await m.query(
      `SELECT instance_id, idempotency_key FROM outbox_message
        WHERE action = 'silenceDevice' AND idempotency_key LIKE $1`,
      [`silence:${r.id}:%`],
    );
    for (const s of made)
      await this.outbox.enqueue(m, {
        instanceId: s.instance_id,
        action: 'expireSilence',
        payload: { silenceKey: s.idempotency_key },
        idempotencyKey: `unsilence:${r.id}:${s.instance_id}`,
        incidentId: r.incidentId,
      });
  }
}
