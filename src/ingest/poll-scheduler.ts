import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { returnedRows } from '../common/sql';
import { ConnectorInstance } from '../connector-instances/entities/connector-instance.entity';
import { WorkerLoop } from '../common/worker-loop';
import { PollRunner } from './poll-runner';

/** A lease outlives any sane poll run; a replica that dies mid-poll frees it by expiry. */
const LEASE_SECONDS = 600;
const CLAIM_AT_ONCE = 4;

/**
 * Each instance's schedule is data (poll_interval_seconds, next_poll_at), read at runtime, so
 * an instance created or changed through the API polls on its new schedule without a
 * restart. A replica claims a due instance by a row lease taken in one UPDATE … SKIP LOCKED,
 * which also moves next_poll_at: each interval's poll runs on exactly one replica.
 */
@Injectable()
export class PollScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PollScheduler.name);
  readonly loop: WorkerLoop;

  constructor(
    private readonly ds: DataSource,
    private readonly runner: PollRunner,
    private readonly config: AppConfig,
  ) {
    this.loop = new WorkerLoop('poll', config.env.WORKER_TICK_MS, () => this.tick(), this.logger);
  }

  onApplicationBootstrap(): void {
    if (this.config.env.SWITCHBOARD_WORKERS) this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  async claimDue(): Promise<ConnectorInstance[]> {
    const rows = returnedRows<{ id: string }>(
      await this.ds.query(
        `UPDATE connector_instance
          SET poll_lease_owner = $1,
              poll_lease_until = now() + make_interval(secs => $2),
              next_poll_at = now() + make_interval(secs => poll_interval_seconds)
        WHERE id IN (SELECT id FROM connector_instance
                      WHERE enabled AND next_poll_at <= now() AND poll_interval_seconds IS NOT NULL
                        AND (poll_lease_until IS NULL OR poll_lease_until < now())
                      ORDER BY next_poll_at LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING id`,
        [this.config.replicaId, LEASE_SECONDS, CLAIM_AT_ONCE],
      ),
    );
    if (rows.length === 0) return [];
    return this.ds.getRepository(ConnectorInstance).findByIds(rows.map((r) => r.id));
  }

  async tick(): Promise<boolean> {
    const due = await this.claimDue();
    await Promise.all(due.map((instance) => this.pollOne(instance)));
    return due.length === CLAIM_AT_ONCE;
  }

  private async pollOne(instance: ConnectorInstance): Promise<void> {
    let backoffMs = 0;
    try {
      const outcomes = await this.runner.run(instance);
      backoffMs = Math.max(0, ...outcomes.map((o) => o.retryAfterMs ?? 0));
    } finally {
      // A vendor's Retry-After pushes the next poll out; otherwise the claimed schedule stands.
      await this.ds.query(
        `UPDATE connector_instance SET poll_lease_owner = NULL, poll_lease_until = NULL,
                next_poll_at = GREATEST(next_poll_at, now() + make_interval(secs => $3))
          WHERE id = $1 AND poll_lease_owner = $2`,
        [instance.id, this.config.replicaId, backoffMs / 1000],
      );
    }
  }

  /** Makes an instance due now (API "poll now"). */
  async pollSoon(instanceId: string): Promise<void> {
    await this.ds.query(
      `UPDATE connector_instance SET next_poll_at = now() WHERE id = $1 AND poll_interval_seconds IS NOT NULL`,
      [instanceId],
    );
    this.loop.nudge();
  }
}
