import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OutboxMessage } from '../outbox/entities/outbox-message.entity';
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
