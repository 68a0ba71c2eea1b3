import type { DataSource } from 'typeorm';
import type { RawRecord } from '../../connectors/contract/connector';
import { storableJson, storableText } from '../common/storable';

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
      void this.flush(batch)
        .catch((err: unknown) => batch.forEach((w) => w.reject(err)))
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  /**
   * Never rejects: every caller's promise is settled here. When the shared INSERT fails, each
   * request is stored again on its own, so one bad row fails only the request that sent it.
   */
  private async flush(batch: Waiting[]): Promise<void> {
    const rows: Row[][] = [];
    const ready: Waiting[] = [];
    for (const w of batch) {
      try {
        rows.push(toRows(w));
        ready.push(w);
      } catch (err) {
        w.reject(err);
      }
    }
    if (ready.length === 0) return;
    try {
      this.settle(ready, await this.insert(rows.flat()));
    } catch (err) {
      if (ready.length === 1) return ready[0].reject(err);
      for (const [i, w] of ready.entries()) {
        try {
          this.settle([w], await this.insert(rows[i]));
        } catch (alone) {
          w.reject(alone);
        }
      }
    }
  }

  private async insert(rows: Row[]): Promise<Set<string>> {
    const stored: { instance_id: string; dedupe_key: string }[] = await this.ds.query(
      `INSERT INTO inbox_event (instance_id, source, dedupe_key, record_type, payload)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
       ON CONFLICT (instance_id, dedupe_key) DO NOTHING
       RETURNING instance_id, dedupe_key`,
      [
        rows.map((r) => r.instanceId),
        rows.map((r) => r.source),
        rows.map((r) => r.dedupeKey),
        rows.map((r) => r.type),
        rows.map((r) => r.payload),
      ],
    );
    return new Set(stored.map((r) => `${r.instance_id} ${r.dedupe_key}`));
  }

  /** Each stored row belongs to the first request in the batch that sent its key. */
  private settle(batch: Waiting[], fresh: Set<string>): void {
    for (const w of batch) {
      let stored = 0;
      for (const r of w.records) {
        if (fresh.delete(`${w.instanceId} ${storableText(r.dedupeKey)}`)) stored++;
      }
      w.resolve({ stored, duplicates: w.records.length - stored });
    }
  }
}

interface Row {
  instanceId: string;
  source: string;
  dedupeKey: string;
  type: string;
  payload: string;
}

function toRows(w: Waiting): Row[] {
  return w.records.map((r) => ({
    instanceId: w.instanceId,
    source: w.source,
    dedupeKey: storableText(r.dedupeKey),
    type: storableText(r.type),
    payload: storableJson(r.payload),
  }));
}
