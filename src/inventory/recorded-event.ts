import type { EntityManager } from 'typeorm';
import type { TicketSeen } from '../../connectors/contract/canonical';
import type { Device } from './entities/device.entity';
import type { HealthEvent } from './entities/health-event.entity';
import type { PatchEvent } from './entities/patch-event.entity';

/** A canonical fact after it was tied to a device and client and stored. */
export type RecordedEvent =
  | { type: 'patch'; instanceId: string; device: Device; event: PatchEvent }
  | { type: 'health'; instanceId: string; device: Device; event: HealthEvent }
  | {
      type: 'ticket';
      instanceId: string;
      device: Device | null;
      clientId: string | null;
      ticket: TicketSeen;
    };

/**
 * Called inside the transaction that stores the events, so whatever a listener decides
 * (incidents, outbox messages) commits with them or not at all.
 */
export interface EventListener {
  onRecorded(m: EntityManager, events: RecordedEvent[]): Promise<void>;
  /** After the transaction that stored a batch committed: wake whoever acts on its decisions. */
  afterCommit?(): void;
}
