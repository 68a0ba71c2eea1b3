import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createHash } from 'node:crypto';
import type { Connector, DeliveryMarker, ExternalRef } from '../../connectors/contract/connector';
import { ConnectorError } from '../../connectors/contract/connector-error';
import { AppConfig } from '../config/app-config';
import { returnedRows } from '../common/sql';
import { ConnectorHost } from '../connector-instances/connector-host.service';
import { ConnectorInstance } from '../connector-instances/entities/connector-instance.entity';
import { MetricsService } from '../common/metrics.service';
import { WorkerLoop } from '../common/worker-loop';
import { classifyDbError } from '../common/db-errors';
import { OutboxMessage } from './entities/outbox-message.entity';
import { unhandledCommand, type OutboxCommand } from './outbox-command';
import { OutboxService } from './outbox.service';
import { nextDelayMs } from './retry-policy';

const BATCH = 20;
/** Deliveries one replica runs at once (each to a different incident or tool). */
const PARALLEL = 4;
/** A message that waits (not fails) this long is dead-lettered, with what it waited for. */
const MAX_WAIT_MS = 24 * 3_600_000;

type Result = Record<string, unknown> | null;

const DELIVERED_EVENT: Record<OutboxCommand['action'], string> = {
  upsertTicket: 'ticket.upserted',
  noteTicket: 'ticket.noted',
  closeTicket: 'ticket.closed',
  reopenTicket: 'ticket.reopened',
  pushAlertNote: 'alert.noted',
  runRollback: 'rollback.started',
  notify: 'page.sent',
  silenceDevice: 'alerts.silenced',
  expireSilence: 'alerts.unsilenced',
};

const DELIVERED_TEXT: Record<OutboxCommand['action'], string> = {
  upsertTicket: 'ticket opened (or found) for the incident',
  noteTicket: 'note added to the ticket',
  closeTicket: 'ticket closed',
  reopenTicket: 'ticket reopened',
  pushAlertNote: 'note pushed to the monitoring alert',
  runRollback: 'rollback script started on the device',
  notify: 'page sent',
  silenceDevice: "device's alerts silenced while the rollback runs",
  expireSilence: "device's alerts silence lifted",
};

/** Stable for one message across its retries (and replicas), distinct between messages. */
export function deliveryMarker(message: { idempotencyKey: string }): DeliveryMarker {
  const hash = createHash('sha256').update(message.idempotencyKey).digest('hex');
  return { marker: `SB-${hash.slice(0, 12).toUpperCase()}` };
}

/** The one place a command becomes a connector call; the compiler checks every action is here. */
async function deliverCommand(
  connector: Connector,
  command: OutboxCommand,
  delivery: DeliveryMarker,
): Promise<Result> {
  const need = <K extends keyof Connector>(name: K): NonNullable<Connector[K]> => {
    const fn = connector[name];
    if (!fn) throw ConnectorError.invalid(`this connector cannot ${name}`);
    return (fn as (...a: unknown[]) => unknown).bind(connector) as NonNullable<Connector[K]>;
  };
  const target = (p: { target?: ExternalRef }): ExternalRef => {
    if (!p.target) throw new Error('ticket target was not prepared');
    return p.target;
  };
  switch (command.action) {
    case 'pushAlertNote':
      await need('pushAlertNote')(command.payload.target, command.payload.text, delivery);
      return null;
    case 'upsertTicket':
      return { ref: await need('upsertTicket')(command.payload.draft) };
    case 'noteTicket':
      await need('noteTicket')(target(command.payload), command.payload.text, delivery);
      return null;
    case 'closeTicket':
      await need('closeTicket')(target(command.payload), command.payload.note, delivery);
      return null;
    case 'reopenTicket':
      await need('reopenTicket')(target(command.payload), command.payload.note, delivery);
      return null;
    case 'runRollback':
      return {
        job: await need('runRollback')(command.payload.device, command.payload.patchId),
      };
    case 'notify':
      await need('notify')(command.payload.message, delivery);
      return null;
    case 'silenceDevice': {
      const { device, endsAt, reason, link } = command.payload;
      const silence = await need('silenceDevice')(
        { device, endsAt: new Date(endsAt), reason, link },
        delivery,
      );
      return { ref: silence };
    }
    case 'expireSilence':
      // The instance was set not to silence: nothing was made, nothing to lift.
      if (command.payload.silence) await need('expireSilence')(command.payload.silence, delivery);
      return null;
    default:
      return unhandledCommand(command);
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * A vendor's classified error keeps its own verdict; a database or network that is away is
 * retried; anything else is a programming error: retrying it eight times only hides it, so it
 * is dead-lettered at once with its stack.
 */
export function classifyDeliveryError(err: unknown): { error: ConnectorError; bug: boolean } {
  if (err instanceof ConnectorError) return { error: err, bug: false };
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (err as { code?: unknown } | null)?.code;
  const transient =
    classifyDbError(err) === 'unavailable' ||
    (err as { isAxiosError?: unknown } | null)?.isAxiosError === true ||
    (typeof code === 'string' && NETWORK_CODES.has(code));
  if (transient) return { error: new ConnectorError(e.message, 'unavailable', true), bug: false };
  const where = (e.stack ?? '')
    .split('\n')
    .slice(1, 4)
    .map((l) => l.trim())
    .join(' < ');
  return {
    error: new ConnectorError(`bug: ${e.name}: ${e.message} at ${where}`, 'invalid', false),
    bug: true,
  };
}

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
        [this.config.replicaId, this.config.env.OUTBOX_LEASE_SECONDS, BATCH],
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
    return claimed.length === BATCH;
  }

  /** Delivers claimed messages, four at a time, each only while this replica still owns it. */
  async deliverAll(claimed: OutboxMessage[]): Promise<void> {
    // A batch never holds two messages of one incident on one tool (claim() waits for the
    // earlier one), so its messages may go side by side: a slow vendor then costs a batch the
    // time of its slowest calls, not the sum of them.
    let next = 0;
    const lane = async () => {
      while (next < claimed.length) await this.deliverOne(claimed[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, claimed.length) }, lane));
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
