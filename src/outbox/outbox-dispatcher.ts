import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Connector, ExternalRef, TicketDraft } from '../../connectors/contract/connector';
import { ConnectorError } from '../../connectors/contract/connector-error';
import { AppConfig } from '../config/app-config';
import { returnedRows } from '../common/sql';
import { ConnectorHost } from '../connector-instances/connector-host.service';
import { ConnectorInstance } from '../connector-instances/entities/connector-instance.entity';
import { MetricsService } from '../common/metrics.service';
import { WorkerLoop } from '../common/worker-loop';
import { OutboxMessage } from './entities/outbox-message.entity';
import { OUTBOX_HOOKS, type OutboxHook } from './outbox-hooks';
import { OutboxService } from './outbox.service';
import { nextDelayMs } from './retry-policy';

const BATCH = 20;

type Payload = Record<string, unknown>;

async function call(
  connector: Connector,
  message: OutboxMessage,
  payload: Payload,
): Promise<Payload | null> {
  const need = <K extends keyof Connector>(name: K): NonNullable<Connector[K]> => {
    const fn = connector[name];
    if (!fn) throw ConnectorError.invalid(`this connector cannot ${name}`);
    return (fn as (...a: unknown[]) => unknown).bind(connector) as NonNullable<Connector[K]>;
  };
  switch (message.action) {
    case 'pushAlertNote':
      await need('pushAlertNote')(payload.target as ExternalRef, String(payload.text));
      return null;
    case 'upsertTicket':
      return { ref: await need('upsertTicket')(payload.draft as TicketDraft) };
    case 'noteTicket':
      await need('noteTicket')(payload.target as ExternalRef, String(payload.text));
      return null;
    case 'closeTicket':
      await need('closeTicket')(payload.target as ExternalRef, String(payload.note));
      return null;
    case 'reopenTicket':
      await need('reopenTicket')(payload.target as ExternalRef, String(payload.note));
      return null;
    case 'runRollback':
      return {
        job: await need('runRollback')(payload.device as ExternalRef, String(payload.patchId)),
      };
  }
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
    outbox: OutboxService,
    @Inject(OUTBOX_HOOKS) private readonly hooks: OutboxHook[],
  ) {
    this.loop = new WorkerLoop('outbox', config.env.WORKER_TICK_MS, () => this.tick(), this.logger);
    outbox.onEnqueued(() => this.loop.nudge());
  }

  onApplicationBootstrap(): void {
    if (this.config.env.SWITCHBOARD_WORKERS) this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  async claim(): Promise<OutboxMessage[]> {
    const rows = returnedRows<{ id: string }>(
      await this.ds.query(
        `UPDATE outbox_message SET status = 'delivering', lease_owner = $1,
              lease_until = now() + make_interval(secs => $2), attempts = attempts + 1, updated_at = now()
        WHERE id IN (
          SELECT o.id FROM outbox_message o JOIN connector_instance i ON i.id = o.instance_id AND i.enabled
           WHERE ((o.status = 'pending' AND o.next_attempt_at <= now())
               OR (o.status = 'delivering' AND o.lease_until < now()))
             AND NOT EXISTS (SELECT 1 FROM outbox_message e
                              WHERE o.incident_id IS NOT NULL AND e.incident_id = o.incident_id
                                AND e.instance_id = o.instance_id AND e.id < o.id
                                AND e.status IN ('pending', 'delivering'))
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
    for (const message of claimed) await this.deliver(message);
    return claimed.length === BATCH;
  }

  private async deliver(message: OutboxMessage): Promise<void> {
    try {
      const instance = await this.ds
        .getRepository(ConnectorInstance)
        .findOneByOrFail({ id: message.instanceId });
      const { connector } = this.host.live(instance);
      let payload = message.payload as Payload;
      for (const hook of this.hooks)
        payload = (await hook.prepare?.(this.ds.manager, { ...message, payload })) ?? payload;
      const result = await call(connector, message, payload);
      await this.ds.transaction(async (m) => {
        for (const hook of this.hooks) await hook.delivered?.(m, message, result);
        await m.getRepository(OutboxMessage).update(
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
      });
      this.metrics.outboxDeliveries.inc({ action: message.action, outcome: 'delivered' });
    } catch (err) {
      await this.failed(message, err);
    }
  }

  private async failed(message: OutboxMessage, err: unknown): Promise<void> {
    const error =
      err instanceof ConnectorError
        ? err
        : new ConnectorError((err as Error).message ?? String(err), 'unavailable', true);
    const dead = !error.retryable || message.attempts >= message.maxAttempts;
    const delay = nextDelayMs(
      {
        baseDelayMs: this.config.env.OUTBOX_BASE_DELAY_MS,
        maxDelayMs: this.config.env.OUTBOX_MAX_DELAY_MS,
      },
      message.attempts,
      error.retryAfterMs,
    );
    await this.ds.getRepository(OutboxMessage).update(
      { id: message.id, leaseOwner: this.config.replicaId },
      {
        status: dead ? 'dead' : 'pending',
        nextAttemptAt: new Date(Date.now() + (dead ? 0 : delay)),
        lastError: `${error.reason}: ${error.message}`.slice(0, 1000),
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
        reason: error.reason,
        dead,
        retryInMs: dead ? null : delay,
      },
      `delivery failed: ${error.message}`,
    );
  }
}
