import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Device } from '../inventory/entities/device.entity';
import type { HealthEvent } from '../inventory/entities/health-event.entity';
import { Decision, type DecisionOutcome } from './decision.entity';

/** What a use case decided about one health event, in words a technician can check. */
export interface Verdict {
  outcome: DecisionOutcome;
  rule: string;
  reason: string;
  incidentId?: string | null;
  evidence?: string[];
}

/** Keeps every verdict, in the transaction that acted on it. */
@Injectable()
export class DecisionLog {
  async record(m: EntityManager, device: Device, event: HealthEvent, v: Verdict): Promise<void> {
    await m.getRepository(Decision).insert({
      healthEventId: event.id,
      deviceId: device.id,
      clientId: device.clientId,
      incidentId: v.incidentId ?? null,
      kind: event.kind,
      subject: event.subject,
      occurredAt: event.occurredAt,
      outcome: v.outcome,
      rule: v.rule,
      reason: v.reason,
      evidence: v.evidence ?? [],
    });
  }
}
