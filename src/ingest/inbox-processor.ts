import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import {
  afterCommitMark,
  afterCommitRewind,
  committedTransaction,
  setArrival,
} from '../common/after-commit';
import { forgetTransactionMemos } from '../common/transaction-memo';
import { ConnectorError } from '../../connectors/contract/connector-error';
import { AppConfig } from '../config/app-config';
import { ConnectorHost } from '../connector-instances/connector-host.service';
import { ConnectorInstance } from '../connector-instances/entities/connector-instance.entity';
import { classifyDbError, sqlState } from '../common/db-errors';
import { MetricsService } from '../common/metrics.service';
import { WorkerLoop } from '../common/worker-loop';
import { InventoryRecorder } from '../inventory/inventory-recorder.service';
import { InboxService } from './inbox.service';

const BATCH = 200;
/**
 * Any fixed number: the advisory lock that lets one replica at a time normalize. Correlation
 * reads what earlier events recorded (the patch, the reboot): replicas normalizing parts of one
 * story side by side would each miss the other's uncommitted part, so every replica works
 * through the inbox in order, one batch at a time, and the incidents are those of one replica.
 */
const NORMALIZE_LOCK = 73_190_413;
const MAX_ATTEMPTS = 5;
/** Deadlock, serialization failure, lock not available. */
const LOCK_CONFLICTS = new Set(['40P01', '40001', '55P03']);

/** The fast pass met a record that fails: the batch is redone with a savepoint per record. */
class NeedsGuardedPass extends Error {
  constructor(readonly reason: unknown) {
    super('a record failed in the fast pass');
  }
}

interface ClaimedRow {
  id: string;
  instance_id: string;
  dedupe_key: string;
  record_type: string;
  payload: unknown;
  attempts: number;
  received_at: Date | string;
}

/**
 * Normalizes pending inbox records into the canonical model, in inbox order, one replica at a
 * time (an advisory lock; a replica that dies releases it with its connection). One bad record
 * fails alone and is kept with its error (the guarded pass gives each record a savepoint).
 */
@Injectable()
export class InboxProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboxProcessor.name);
  readonly loop: WorkerLoop;

  constructor(
    private readonly ds: DataSource,
    private readonly host: ConnectorHost,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
    inbox: InboxService,
    private readonly recorder: InventoryRecorder,
  ) {
    this.loop = new WorkerLoop(
      'inbox',
      config.env.WORKER_TICK_MS,
      () => this.processBatch(),
      this.logger,
    );
    inbox.onStored(() => this.loop.nudge());
  }

  onApplicationBootstrap(): void {
    if (this.config.env.SWITCHBOARD_WORKERS) this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Returns true when a full batch was processed (there may be more). */
  async processBatch(): Promise<boolean> {
    let count: number;
    try {
      count = await committedTransaction(this.ds, (m) => this.work(m, 'fast'));
    } catch (err) {
      if (!(err instanceof NeedsGuardedPass)) throw err;
      // A record failed in the fast pass: everything it did is rolled back, and the batch is
      // done again with a savepoint per record, so the bad one fails alone.
      count = await committedTransaction(this.ds, (m) => this.work(m, 'guarded'));
    }
    if (count > 0) this.recorder.committed();
    await this.refreshGauges();
    return count === BATCH;
  }

  /**
   * One batch in inbox order. The fast pass (the common case: every record is good) spends no
   * savepoint per record and marks the batch processed in one statement; the first failure
   * abandons it for the guarded pass.
   */
  private async work(m: EntityManager, pass: 'fast' | 'guarded'): Promise<number> {
    const [lock] = (await m.query('SELECT pg_try_advisory_xact_lock($1) AS ok', [
      NORMALIZE_LOCK,
    ])) as { ok: boolean }[];
    // Another replica is normalizing: it takes these records in order; this one waits a tick.
    if (!lock.ok) return 0;
    const rows: ClaimedRow[] = await m.query(
      `SELECT id, instance_id, dedupe_key, record_type, payload, attempts, received_at FROM inbox_event
        WHERE status = 'pending' ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [BATCH],
    );
    const instances = await this.instancesOf(m, rows);
    if (pass === 'guarded') {
      for (const row of rows) await this.processOne(m, row, instances.get(row.instance_id) ?? null);
      return rows.length;
    }
    for (const row of rows) {
      try {
        setArrival(m, new Date(row.received_at));
        await this.normalize(m, row, instances.get(row.instance_id) ?? null);
      } catch (err) {
        throw new NeedsGuardedPass(err);
      }
    }
    if (rows.length > 0)
      await m.query(
        `UPDATE inbox_event SET status = 'processed', processed_at = now(), attempts = attempts + 1, error = NULL
          WHERE id = ANY($1::bigint[])`,
        [rows.map((r) => r.id)],
      );
    return rows.length;
  }

  /** The batch's connector instances, in one query; a deleted one is null. */
  private async instancesOf(
    m: EntityManager,
    rows: ClaimedRow[],
  ): Promise<Map<string, ConnectorInstance | null>> {
    const ids = [...new Set(rows.map((r) => r.instance_id))];
    const found = ids.length
      ? await m.getRepository(ConnectorInstance).findBy({ id: In(ids) })
      : [];
    const byId = new Map<string, ConnectorInstance | null>(ids.map((id) => [id, null]));
    for (const instance of found) byId.set(instance.id, instance);
    return byId;
  }

  /** Record → canonical events → inventory and correlation, inside the caller's transaction. */
  private async normalize(
    m: EntityManager,
    row: ClaimedRow,
    instance: ConnectorInstance | null,
  ): Promise<void> {
    if (!instance) throw ConnectorError.invalid('its connector instance no longer exists');
    const { connector } = this.host.live(instance);
    const events = connector.normalize({
      type: row.record_type,
      dedupeKey: row.dedupe_key,
      payload: row.payload,
    });
    await this.recorder.record(m, instance.id, row.id, events);
  }

  private async processOne(
    m: EntityManager,
    row: ClaimedRow,
    instance: ConnectorInstance | null,
  ): Promise<void> {
    await m.query('SAVEPOINT inbox_record');
    const mark = afterCommitMark(m);
    setArrival(m, new Date(row.received_at));
    try {
      await this.normalize(m, row, instance);
      await m.query(
        `UPDATE inbox_event SET status = 'processed', processed_at = now(), attempts = attempts + 1, error = NULL WHERE id = $1`,
        [row.id],
      );
      await m.query('RELEASE SAVEPOINT inbox_record');
    } catch (err) {
      await m.query('ROLLBACK TO SAVEPOINT inbox_record');
      afterCommitRewind(m, mark);
      // Rows and locks of the record are undone: what the batch remembered of them is too.
      forgetTransactionMemos(m);
      // Losing a lock race to another replica says nothing about the record: it stays pending,
      // its attempts untouched, and the next batch takes it again. It is never parked.
      if (LOCK_CONFLICTS.has(sqlState(err) ?? '')) {
        this.metrics.inboxLockRetries.inc();
        this.logger.debug(
          { inboxId: row.id, instanceId: row.instance_id, sqlState: sqlState(err) },
          'inbox record lost a lock race; retried with the next batch',
        );
        return;
      }
      // Bad data will not get better: fail it at once. Anything else (a unique race with
      // another replica) is retried a few times before the record is parked as failed.
      const invalid =
        (err instanceof ConnectorError && !err.retryable) ||
        classifyDbError(err) === 'invalid-data';
      const attempts = row.attempts + 1;
      const failed = invalid || attempts >= MAX_ATTEMPTS;
      const message = err instanceof Error ? err.message : String(err);
      await m.query(`UPDATE inbox_event SET status = $2, attempts = $3, error = $4 WHERE id = $1`, [
        row.id,
        failed ? 'failed' : 'pending',
        attempts,
        message.slice(0, 1000),
      ]);
      if (failed) {
        this.metrics.inboxFailed.inc({ kind: instance?.kind ?? 'unknown' });
        this.logger.warn(
          { inboxId: row.id, instanceId: row.instance_id, kind: instance?.kind, error: message },
          'inbox record could not be normalized',
        );
      }
    }
  }

  private async refreshGauges(): Promise<void> {
    const [row]: { pending: string; oldest: Date | null }[] = await this.ds.query(
      `SELECT count(*) AS pending, min(received_at) AS oldest FROM inbox_event WHERE status = 'pending'`,
    );
    this.metrics.inboxPending.set(Number(row.pending));
    this.metrics.inboxLag.set(
      row.oldest ? (Date.now() - new Date(row.oldest).getTime()) / 1000 : 0,
    );
  }
}
