import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CanonicalEvent } from '../../connectors/contract/canonical';
import { recordEvents } from './event-recorder';
import type { EventListener, RecordedEvent } from './recorded-event';

/**
 * The one way canonical events enter the inventory, whoever read them (an inbox record, a
 * post-patch verification): stored, then handed to the listeners (correlation) in the same
 * transaction. Listeners register themselves, so the inventory knows none of them.
 */
@Injectable()
export class InventoryRecorder {
  private readonly listeners: EventListener[] = [];

  register(listener: EventListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  async record(
    m: EntityManager,
    instanceId: string,
    inboxId: string | null,
    events: CanonicalEvent[],
  ): Promise<RecordedEvent[]> {
    const recorded = await recordEvents(m, instanceId, inboxId, events);
    for (const listener of this.listeners) await listener.onRecorded(m, recorded);
    return recorded;
  }

  /** The transaction that recorded events committed: listeners may act on their decisions. */
  committed(): void {
    for (const listener of this.listeners) listener.afterCommit?.();
  }
}
