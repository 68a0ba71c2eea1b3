import type { DataSource } from 'typeorm';
import type { RawRecord } from '../../connectors/contract/connector';

export interface StoreResult {
  stored: number;
  duplicates: number;
}

interface Waiting {
  instanceId: string;
  source: 'webhook' | 'poll';
  records: RawRecord[];
  resolve: (r: StoreResult) => void;
  reject: (e: unknown) => void;
}

const MAX_IN_FLIGHT = 4;
const MAX_ROWS = 2000;

/**
 * Group commit: requests that arrive while other inserts are in flight are stored together in
 * one INSERT (one transaction, one WAL flush). Each caller still waits for the commit that
 * holds its rows, so a 2xx still means durable; under light load a batch is one request.
 */
export class InboxBatcher {
  private queue: Waiting[] = [];
  private inFlight = 0;

  constructor(private readonly ds: DataSource) {}

  store(
    instanceId: string,
    source: 'webhook' | 'poll',
    records: RawRecord[],
  ): Promise<StoreResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ instanceId, source, records, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch: Waiting[] = [];
      let rows = 0;
      while (
        this.queue.length > 0 &&
        (batch.length === 0 || rows + this.queue[0].records.length <= MAX_ROWS)
      ) {
        const next = this.queue.shift()!;
        rows += next.records.length;
        batch.push(next);
      }
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(batch: Waiting[]): Promise<void> {
    const instances: string[] = [];
    const sources: string[] = [];
    const keys: string[] = [];
    const types: string[] = [];
    const payloads: string[] = [];
    for (const w of batch) {
      for (const r of w.records) {
        instances.push(w.instanceId);
        sources.push(w.source);
        keys.push(r.dedupeKey);
        types.push(r.type);
        payloads.push(JSON.stringify(r.payload));
      }
    }
    try {
      const rows: { instance_id: string; dedupe_key: string }[] = await this.ds.query(
        `INSERT INTO inbox_event (instance_id, source, dedupe_key, record_type, payload)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
         ON CONFLICT (instance_id, dedupe_key) DO NOTHING
         RETURNING instance_id, dedupe_key`,
        [instances, sources, keys, types, payloads],
      );
      // Each stored row belongs to the first request in the batch that sent its key.
      const fresh = new Set(rows.map((r) => `${r.instance_id} ${r.dedupe_key}`));
      for (const w of batch) {
        let stored = 0;
        for (const r of w.records) {
          const k = `${w.instanceId} ${r.dedupeKey}`;
          if (fresh.delete(k)) stored++;
        }
        w.resolve({ stored, duplicates: w.records.length - stored });
      }
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }
}
