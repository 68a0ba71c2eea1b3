import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { returnedRows } from '../common/sql';
import { ConnectorHost } from '../connector-instances/connector-host.service';
import { ConnectorInstance } from '../connector-instances/entities/connector-instance.entity';
import { MetricsService } from '../common/metrics.service';
import { WorkerLoop } from '../common/worker-loop';
import {
  classifyDeliveryError,
  deliverCommand,
  deliveryMarker,
  DELIVERED_EVENT,
  DELIVERED_TEXT,
  type Result,
} from './command-delivery';
import { OutboxMessage } from './entities/outbox-message.entity';
import type { OutboxCommand } from './outbox-command';
import { OutboxService } from './outbox.service';
import { nextDelayMs } from './retry-policy';

/** A message that waits (not fails) this long is dead-lettered, with what it waited for. */
const MAX_WAIT_MS = 24 * 3_600_000;

/**
 * Delivers outbox messages. A message is claimed by a lease taken with FOR UPDATE SKIP
 * LOCKED, so replicas never deliver it at the same time; messages of one incident on one
 * instance go in order (a note never overtakes the ticket it belongs to).
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxDispatcher.name);
  readonly loop: WorkerLoop;

  constructor(
    private readonly ds: DataSource,
    private readonly host: ConnectorHost,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
    private readonly outbox: OutboxService,
  ) {
    this.loop = new WorkerLoop('outbox', config.env.WORKER_TICK_MS, () => this.tick(), this.logger);
    this.outbox.onEnqueued(() => this.loop.nudge());
  }

  onApplicationBootstrap(): void {
    if (this.config.env.SWITCHBOARD_WORKERS) this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /**
   * Leases a batch. A message waits while an earlier one of its incident on the same tool is
   * pending, being delivered or dead (a note never overtakes the ticket it belongs to, even
   * when that ticket's upsert was given up on: retry or discard it to let the rest go), and
   * while the tool's circuit is open. Attempts are counted when a delivery starts, not here:
   * a message another replica takes over before this one gets to it spends nothing.
   */
  async claim(): Promise<OutboxMessage[]> {
    const rows = returnedRows<{ id: string }>(
      await this.ds.query(
        `UPDATE outbox_message SET status = 'delivering', lease_owner = $1,
              lease_until = now() + make_interval(secs => $2), updated_at = now()
        WHERE id IN (
          SELECT o.id FROM outbox_message o JOIN connector_instance i ON i.id = o.instance_id AND i.enabled
           WHERE ((o.status = 'pending' AND o.next_attempt_at <= now())
               OR (o.status = 'delivering' AND o.lease_until < now()))
             AND NOT EXISTS (SELECT 1 FROM outbox_message e
                              WHERE o.incident_id IS NOT NULL AND e.incident_id = o.incident_id
                                AND e.instance_id = o.instance_id AND e.id < o.id
                                AND e.status IN ('pending', 'delivering', 'dead'))
             AND NOT EXISTS (SELECT 1 FROM connector_circuit c
                              WHERE c.instance_id = o.instance_id AND c.open_until > now())
           ORDER BY o.next_attempt_at LIMIT $3
           FOR UPDATE OF o SKIP LOCKED)
        RETURNING id`,
        [this.config.replicaId, this.config.env.OUTBOX_LEASE_SECONDS, this.batch],
      ),
    );
    if (rows.length === 0) return [];
    return this.ds
      .getRepository(OutboxMessage)
      .find({ where: rows.map((r) => ({ id: r.id })), order: { id: 'ASC' } });
  }

  async tick(): Promise<boolean> {
    const claimed = await this.claim();
    await this.deliverAll(claimed);
    return claimed.length === this.batch;
  }

  /**
   * Messages claimed at once: twice the deliveries run side by side, so a lane that finishes
   * early finds the next one waiting.
   */
  private get batch(): number {
    return Math.max(20, 2 * this.config.env.OUTBOX_PARALLEL);
  }

  /** Delivers claimed messages, OUTBOX_PARALLEL at a time, each only while this replica owns it. */
  async deliverAll(claimed: OutboxMessage[]): Promise<void> {
    // A batch never holds two messages of one incident on one tool (claim() waits for the
    // earlier one), so its messages may go side by side: a slow vendor then costs a batch the
    // time of its slowest calls, not the sum of them.
    let next = 0;
    const lane = async () => {
      while (next < claimed.length) await this.deliverOne(claimed[next++]);
    };
    const lanes = Math.min(this.config.env.OUTBOX_PARALLEL, claimed.length);
    await Promise.all(Array.from({ length: lanes }, lane));
  }

  private async deliverOne(message: OutboxMessage): Promise<void> {
    const attempts = await this.start(message);
    if (attempts === null) {
      this.metrics.outboxLeaseLost.inc({ action: message.action });
      return;
    }
    message.attempts = attempts;
    const heartbeat = this.keepLease(message);
    try {
      await this.deliver(message);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * Right before the vendor call: this replica still holds the message (a slow vendor may have
   * outlived the lease and another replica taken it over), its lease starts again and the
   * attempt is counted. Null when the message is no longer this replica's.
   */
  private async start(message: OutboxMessage): Promise<number | null> {
    const rows = returnedRows<{ attempts: number }>(
      await this.ds.query(
        `UPDATE outbox_message SET lease_until = now() + make_interval(secs => $3),
                attempts = attempts + 1
          WHERE id = $1 AND lease_owner = $2 AND status = 'delivering' RETURNING attempts`,
        [message.id, this.config.replicaId, this.config.env.OUTBOX_LEASE_SECONDS],
      ),
    );
    return rows.length === 1 ? Number(rows[0].attempts) : null;
  }

  /**
   * Renews the lease every third of its length while the vendor call runs, so a vendor slower
   * than the lease never lets a second replica deliver the same message. A renewal that finds
   * the message taken (this process was paused past its lease) is logged; the delivered
   * update then changes nothing, as it checks the owner.
   */
  private keepLease(message: OutboxMessage): NodeJS.Timeout {
    const seconds = this.config.env.OUTBOX_LEASE_SECONDS;
    const timer = setInterval(
      () => {
        this.ds
          .query(
            `UPDATE outbox_message SET lease_until = now() + make_interval(secs => $3)
            WHERE id = $1 AND lease_owner = $2 AND status = 'delivering' RETURNING id`,
            [message.id, this.config.replicaId, seconds],
          )
          .then((r: unknown) => {
            if (returnedRows(r).length === 0)
              this.logger.warn(
                { outboxId: message.id, instanceId: message.instanceId, action: message.action },
                'lease lost while the vendor call was running',
              );
          })
          .catch((err: unknown) =>
            this.logger.warn(
              { outboxId: message.id, error: (err as Error).message },
              'lease renewal failed',
            ),
          );
      },
      (seconds * 1000) / 3,
    );
    timer.unref();
    return timer;
  }

  private async deliver(message: OutboxMessage): Promise<void> {
    try {
      const instance = await this.ds
        .getRepository(ConnectorInstance)
        .findOneByOrFail({ id: message.instanceId });
      const { connector } = this.host.live(instance);
      let command = { action: message.action, payload: message.payload } as OutboxCommand;
      for (const hook of this.outbox.hooks)
        command = (await hook.prepare?.(this.ds.manager, command)) ?? command;
      const result = await deliverCommand(connector, command, deliveryMarker(message));
      const recorded = await this.ds.transaction(async (m) => {
        const done = await m.getRepository(OutboxMessage).update(
          { id: message.id, leaseOwner: this.config.replicaId },
          {
            status: 'delivered',
            deliveredAt: new Date(),
            updatedAt: new Date(),
            result,
            lastError: null,
            leaseOwner: null,
            leaseUntil: null,
          },
        );
        // Another replica owns it now (this one was paused past its lease): its word counts.
        if (!done.affected) return false;
        for (const hook of this.outbox.hooks) await hook.delivered?.(m, message, result);
        return true;
      });
      if (!recorded) {
        this.metrics.outboxLeaseLost.inc({ action: message.action });
        this.logger.warn(
          { outboxId: message.id, instanceId: message.instanceId, action: message.action },
          'delivered, but another replica had taken the message over: its outcome is kept',
        );
        return;
      }
      this.metrics.outboxDeliveries.inc({ action: message.action, outcome: 'delivered' });
      await this.recordDelivered(message, instance, result);
    } catch (err) {
      await this.failed(message, err);
    }
  }

  /** The operator's line and the business metrics for what a tool was just told. */
  private async recordDelivered(
    message: OutboxMessage,
    instance: ConnectorInstance,
    result: Result,
  ): Promise<void> {
    const seconds = (Date.now() - new Date(message.createdAt).getTime()) / 1000;
    this.metrics.deliveredActions.inc({ action: message.action, kind: instance.kind });
    this.metrics.outboxDeliverySeconds.observe({ action: message.action }, seconds);
    const ref = (result?.ref as { id?: string } | undefined)?.id;
    // The incident's device and client, so one line tells the operator whose server it was.
    const [about] = message.incidentId
      ? ((await this.ds
          .query(`SELECT device_id, client_id FROM incident WHERE id = $1`, [message.incidentId])
          .catch(() => [])) as { device_id: string | null; client_id: string | null }[])
      : [];
    this.logger.log(
      {
        event: DELIVERED_EVENT[message.action],
        outboxId: message.id,
        incidentId: message.incidentId,
        deviceId: about?.device_id ?? null,
        clientId: about?.client_id ?? null,
        instanceId: instance.id,
        kind: instance.kind,
        outcome: 'delivered',
        attempts: message.attempts,
        afterSeconds: Math.round(seconds * 10) / 10,
        ...(ref ? { ticketId: ref } : {}),
      },
      `${DELIVERED_TEXT[message.action]} (${instance.name})`,
    );
  }

  private async failed(message: OutboxMessage, err: unknown): Promise<void> {
    const { error, bug } = classifyDeliveryError(err);
    // Waiting (a mapping not read yet, an earlier message first) and a vendor's rate limit are
    // not failures: they are retried when asked, without spending an attempt, up to a limit.
    const patient = error.waiting || error.reason === 'rate-limited';
    const waitedTooLong = Date.now() - new Date(message.createdAt).getTime() > MAX_WAIT_MS;
    const dead =
      !error.retryable || (patient ? waitedTooLong : message.attempts >= message.maxAttempts);
    const attempts = patient ? message.attempts - 1 : message.attempts;
    const delay = nextDelayMs(
      {
        baseDelayMs: this.config.env.OUTBOX_BASE_DELAY_MS,
        maxDelayMs: this.config.env.OUTBOX_MAX_DELAY_MS,
      },
      Math.max(attempts, 1),
      error.retryAfterMs,
    );
    await this.ds.getRepository(OutboxMessage).update(
      { id: message.id, leaseOwner: this.config.replicaId },
      {
        status: dead ? 'dead' : 'pending',
        attempts,
        nextAttemptAt: new Date(Date.now() + (dead ? 0 : delay)),
        lastError: `${error.waiting ? 'waiting' : error.reason}: ${error.message}${
          dead && patient ? ` (still waiting after ${MAX_WAIT_MS / 3_600_000} h)` : ''
        }`.slice(0, 1000),
        updatedAt: new Date(),
        leaseOwner: null,
        leaseUntil: null,
      },
    );
    this.metrics.outboxDeliveries.inc({ action: message.action, outcome: dead ? 'dead' : 'retry' });
    if (dead) this.metrics.outboxDeadLetters.inc({ action: message.action });
    this.logger.warn(
      {
        outboxId: message.id,
        instanceId: message.instanceId,
        action: message.action,
        attempts: message.attempts,
        reason: bug ? 'bug' : error.reason,
        ...(bug ? { stack: (err as Error).stack } : {}),
        dead,
        retryInMs: dead ? null : delay,
      },
      `delivery failed: ${error.message}`,
    );
  }
}
