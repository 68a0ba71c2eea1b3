import type { EntityManager } from 'typeorm';
import type { OutboxMessage } from './entities/outbox-message.entity';
import type { OutboxCommand } from './outbox-command';

/**
 * Lets features take part in delivery without the outbox knowing them: `prepare` resolves a
 * payload just before the call (e.g. the ticket id an earlier message created), `delivered`
 * records what the call returned in the same transaction that marks the message delivered.
 */
export interface OutboxHook {
  prepare?(m: EntityManager, command: OutboxCommand): Promise<OutboxCommand | null>;
  delivered?(
    m: EntityManager,
    message: OutboxMessage,
    result: Record<string, unknown> | null,
  ): Promise<void>;
}
