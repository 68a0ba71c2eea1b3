import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import type { OutboxCommand } from './outbox-command';
import type { OutboxHook } from './outbox-hooks';

export type OutboxDraft = OutboxCommand & {
  instanceId: string;
  /** The same decision always produces the same key, so it is never enqueued twice. */
  idempotencyKey: string;
  incidentId?: string | null;
};

@Injectable()
export class OutboxService {
  private readonly listeners: (() => void)[] = [];
  private readonly registeredHooks: OutboxHook[] = [];

  constructor(
    private readonly ds: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** A feature takes part in delivery (see OutboxHook); registered once, at module start. */
  useHook(hook: OutboxHook): void {
    this.registeredHooks.push(hook);
  }

  get hooks(): readonly OutboxHook[] {
    return this.registeredHooks;
  }

  onEnqueued(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Call with the manager of the transaction that made the decision. Returns false for a repeat. */
  async enqueue(m: EntityManager, draft: OutboxDraft): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `INSERT INTO outbox_message (instance_id, action, payload, idempotency_key, incident_id, max_attempts)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
      [
        draft.instanceId,
        draft.action,
        JSON.stringify(draft.payload),
        draft.idempotencyKey,
        draft.incidentId ?? null,
        this.config.env.OUTBOX_MAX_ATTEMPTS,
      ],
    );
    return rows.length > 0;
  }

  /** Wakes the dispatcher once the enqueuing transaction has committed. */
  notify(): void {
    for (const l of this.listeners) l();
  }

  get dataSource(): DataSource {
    return this.ds;
  }
}
