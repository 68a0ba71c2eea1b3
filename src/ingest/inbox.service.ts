import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RawRecord } from '../../connectors/contract/connector';

import { storableJson, storableText } from '../common/storable';
import { InboxBatcher, type StoreResult } from './inbox-batcher';

export type { StoreResult };

/** Durable, deduplicated storage of raw records: committed before anything is acknowledged. */
@Injectable()
export class InboxService {
  private readonly listeners: (() => void)[] = [];
  private readonly batcher: InboxBatcher;

  constructor(private readonly ds: DataSource) {
    this.batcher = new InboxBatcher(ds);
  }

  /** Called after records are committed, so the normalizer can start without waiting a tick. */
  onStored(listener: () => void): void {
    this.listeners.push(listener);
  }

  async store(
    instanceId: string,
    source: 'webhook' | 'poll',
    records: RawRecord[],
    manager?: EntityManager,
  ): Promise<StoreResult> {
    if (records.length === 0) return { stored: 0, duplicates: 0 };
    if (!manager) {
      const result = await this.batcher.store(instanceId, source, records);
      if (result.stored > 0) this.notify();
      return result;
    }
    const run = manager;
    const rows: { id: string }[] = await run.query(
      `INSERT INTO inbox_event (instance_id, dedupe_key, record_type, source, payload)
       SELECT $1, r.key, r.type, $2, r.payload
         FROM unnest($3::text[], $4::text[], $5::jsonb[]) AS r(key, type, payload)
       ON CONFLICT (instance_id, dedupe_key) DO NOTHING
       RETURNING id`,
      [
        instanceId,
        source,
        records.map((r) => storableText(r.dedupeKey)),
        records.map((r) => storableText(r.type)),
        records.map((r) => storableJson(r.payload)),
      ],
    );
    return { stored: rows.length, duplicates: records.length - rows.length };
  }

  notify(): void {
    for (const l of this.listeners) l();
  }
}
