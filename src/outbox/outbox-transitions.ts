import { BadRequestException } from '@nestjs/common';
import { In, type DataSource } from 'typeorm';
import type { Principal } from '../access/principal';
import type { AuditService } from '../audit/audit.service';
import { notFound } from '../common/api-errors';
import { OutboxMessage, type OutboxStatus } from './entities/outbox-message.entity';

/**
 * What a person may do to an outbox message, from which states, and what it becomes: the same
 * rules as `POST /api/v1/outbox/:id/retry` and `/discard` (OutboxController).
 */
export const OUTBOX_TRANSITIONS = {
  /** Delivered again from its first attempt, at once. */
  retry: {
    from: ['dead', 'discarded', 'pending'] as OutboxStatus[],
    audit: 'outbox.retry',
    patch: (): Partial<OutboxMessage> => ({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: new Date(),
    }),
  },
  /** Never delivered; kept for the record. */
  discard: {
    from: ['dead', 'pending'] as OutboxStatus[],
    audit: 'outbox.discard',
    patch: (): Partial<OutboxMessage> => ({ status: 'discarded' }),
  },
} as const;

export type OutboxTransition = keyof typeof OUTBOX_TRANSITIONS;

/**
 * Moves one message, audited in the same transaction. A message in another state is a 400
 * naming its state; an unknown one a 404. The caller checks the role and wakes the dispatcher
 * after a retry (OutboxService.notify).
 */
export async function transitionOutboxMessage(
  ds: DataSource,
  audit: Pick<AuditService, 'record'>,
  who: Principal,
  id: string,
  name: OutboxTransition,
): Promise<OutboxMessage> {
  if (!/^\d{1,18}$/.test(id)) throw notFound('outbox message', id);
  const rule = OUTBOX_TRANSITIONS[name];
  return ds.transaction(async (m) => {
    const repo = m.getRepository(OutboxMessage);
    const current = await repo.findOneBy({ id });
    if (!current) throw notFound('outbox message', id);
    const result = await repo.update(
      { id, status: In(rule.from) },
      { ...rule.patch(), updatedAt: new Date() },
    );
    if (!result.affected)
      throw new BadRequestException(
        `status: message ${id} is ${current.status}; this works on ${rule.from.join(' or ')}`,
      );
    await audit.record(
      who,
      { action: rule.audit, targetType: 'outbox', targetId: id, detail: { from: current.status } },
      m,
    );
    return repo.findOneByOrFail({ id });
  });
}
