import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ExternalRef } from '../../connectors/contract/connector';
import { ConnectorError } from '../../connectors/contract/connector-error';
import { OutboxMessage } from '../outbox/entities/outbox-message.entity';
import type { OutboxCommand } from '../outbox/outbox-command';
import type { OutboxHook } from '../outbox/outbox-hooks';
import { OutboxService } from '../outbox/outbox.service';
import { Rollback } from './entities/rollback.entity';

/** The script run was delivered: the rollback learns where the RMM can find it again. */
@Injectable()
export class RollbackOutboxHook implements OutboxHook, OnModuleInit {
  constructor(private readonly outbox: OutboxService) {}

  onModuleInit(): void {
    this.outbox.useHook(this);
  }

  /** A silence is lifted by the id its silenceDevice message got back from the tool. */
  async prepare(m: EntityManager, command: OutboxCommand): Promise<OutboxCommand | null> {
    if (command.action !== 'expireSilence') return null;
    const made = await m
      .getRepository(OutboxMessage)
      .findOneBy({ idempotencyKey: command.payload.silenceKey });
    if (made?.status === 'delivered') {
      const ref = (made.result as { ref?: ExternalRef | null } | null)?.ref ?? null;
      return { ...command, payload: { ...command.payload, silence: ref } };
    }
    // Discarded (or gone): no silence was made, so none is lifted.
    if (!made || made.status === 'discarded')
      return { ...command, payload: { ...command.payload, silence: null } };
    throw ConnectorError.waiting('the silence has not been made yet', 5_000);
  }

  async delivered(
    m: EntityManager,
    message: OutboxMessage,
    result: Record<string, unknown> | null,
  ): Promise<void> {
    if (message.action !== 'runRollback') return;
    const job = result?.job as { jobId?: unknown } | undefined;
    if (typeof job?.jobId !== 'string') return;
    await m
      .getRepository(Rollback)
      .update(
        { outboxId: message.id, state: 'running' },
        { jobId: job.jobId, nextCheckAt: new Date() },
      );
  }
}
