import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RollbackResult } from '../../connectors/contract/connector';
import { ConnectorError } from '../../connectors/contract/connector-error';
import { MetricsService } from '../common/metrics.service';
import { returnedRows } from '../common/sql';
import { WorkerLoop } from '../common/worker-loop';
import { AppConfig } from '../config/app-config';
import { ConnectorHost } from '../connector-instances/connector-host.service';
import { ConnectorInstance } from '../connector-instances/entities/connector-instance.entity';
import { Incident } from '../incidents/entities/incident.entity';
import { details } from '../incidents/incident-details';
import { IncidentLifecycle } from '../incidents/incident-lifecycle.service';
import { addDeviceTimeline, lockDevice } from '../incidents/incident-store';
import { mitigate, rollbackNews, rolledBack, snapshotOf } from '../incidents/incident-transitions';
import { Device } from '../inventory/entities/device.entity';
import { InventoryRecorder } from '../inventory/inventory-recorder.service';
import { OutboxMessage } from '../outbox/entities/outbox-message.entity';
import { OutboxService } from '../outbox/outbox.service';
import { BlockedPatch } from './entities/blocked-patch.entity';
import {
  Rollback,
  type RollbackState,
  type RollbackVerification,
} from './entities/rollback.entity';
import { RollbackSilences } from './rollback-silences';
import { checkRemoval, checkServices } from './rollback-verification';

const BATCH = 10;

/**
 * Carries each rollback to its end: starts it through the outbox (never twice), follows the
 * RMM's run to its result, verifies that the patch is gone and the failed services run again,
 * then resolves the incident and blocks the KB for the client, or says exactly what failed.
 */
@Injectable()
export class RollbackRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Rollback');
  readonly loop: WorkerLoop;

  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxService,
    private readonly lifecycle: IncidentLifecycle,
    private readonly host: ConnectorHost,
    private readonly recorder: InventoryRecorder,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
    private readonly silences: RollbackSilences,
  ) {
    this.loop = new WorkerLoop(
      'rollbacks',
      config.env.WORKER_TICK_MS,
      () => this.tick(),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    if (this.config.env.SWITCHBOARD_WORKERS) this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  nudge(): void {
    this.outbox.notify();
    this.loop.nudge();
  }

  private pollMs(): number {
    return this.config.env.ROLLBACK_POLL_SECONDS * 1000;
  }

  // ---- transitions, each inside the caller's transaction (device locked) ----

  private async move(
    m: EntityManager,
    r: Rollback,
    state: RollbackState,
    change: Partial<Rollback> = {},
    step: { by?: string; note?: string } = {},
  ): Promise<Rollback> {
    const now = new Date();
    const next: Rollback = {
      ...r,
      ...change,
      state,
      updatedAt: now,
      steps: [...r.steps, { state, at: now.toISOString(), ...step }],
      ...(['succeeded', 'failed', 'refused'].includes(state)
        ? { finishedAt: now, nextCheckAt: null, leaseUntil: null }
        : {}),
    };
    const { id, ...columns } = next;
    await m.getRepository(Rollback).update({ id }, columns);
    if (r.outboxId && ['succeeded', 'failed'].includes(state)) await this.silences.lift(m, next);
    this.metrics.rollbacks.inc({ state });
    return next;
  }

  /** What happens right after the request was stored. */
  async afterRequest(
    m: EntityManager,
    r: Rollback,
    incident: Incident,
    device: Device,
    go: 'refused' | 'awaiting-approval' | 'waiting-for-device' | 'running',
  ): Promise<Rollback> {
    if (go === 'running') return this.start(m, r, incident, device);
    const text =
      go === 'refused'
        ? `Rollback of ${r.patchId} on ${device.displayName} refused: ${r.reason}.`
        : go === 'awaiting-approval'
          ? `${r.requestedBy} asked to roll back ${r.patchId} on ${device.displayName}; it waits for a second operator's approval.`
          : `${r.requestedBy} asked to roll back ${r.patchId} on ${device.displayName}; the device is offline, so it runs when the RMM reports it back.`;
    await this.tell(m, incident, text, { rollbackId: r.id }, go === 'refused');
    if (go === 'refused') return r;
    return this.move(m, r, go, {
      nextCheckAt: go === 'waiting-for-device' ? new Date() : null,
    });
  }

  async approved(m: EntityManager, r: Rollback, by: string): Promise<Rollback> {
    const incident = await m.getRepository(Incident).findOneByOrFail({ id: r.incidentId });
    const device = await m.getRepository(Device).findOneByOrFail({ id: r.deviceId });
    const approved = { ...r, approvedBy: by };
    if (device.online === false) {
      if (!r.whenOnline) {
        const reason = `${device.displayName} is offline`;
        await this.tell(
          m,
          incident,
          `${by} approved the rollback of ${r.patchId}, but ${reason}: refused.`,
          { rollbackId: r.id },
          true,
        );
        return this.move(m, approved, 'refused', { approvedBy: by, reason }, { by });
      }
      await this.tell(
        m,
        incident,
        `${by} approved the rollback of ${r.patchId}; it runs when ${device.displayName} is back online.`,
        { rollbackId: r.id },
        false,
      );
      return this.move(
        m,
        approved,
        'waiting-for-device',
        { approvedBy: by, nextCheckAt: new Date() },
        { by },
      );
    }
    return this.start(m, approved, incident, device, by);
  }

  async rejected(m: EntityManager, r: Rollback, by: string, note?: string): Promise<Rollback> {
    const incident = await m.getRepository(Incident).findOneByOrFail({ id: r.incidentId });
    const reason = `rejected by ${by}${note ? `: ${note}` : ''}`;
    await this.tell(m, incident, `Rollback of ${r.patchId} ${reason}.`, { rollbackId: r.id }, true);
    return this.move(m, r, 'refused', { reason }, { by, note });
  }

  /** Queues the script run (idempotent per rollback) and puts the incident in mitigation. */
  private async start(
    m: EntityManager,
    r: Rollback,
    incident: Incident,
    device: Device,
    approvedBy?: string,
  ): Promise<Rollback> {
    if (!r.instanceId || !r.externalDeviceId) throw new Error(`rollback ${r.id} has no RMM`);
    const key = `rollback:${r.id}`;
    await this.silences.silence(m, r, device);
    await this.outbox.enqueue(m, {
      instanceId: r.instanceId,
      action: 'runRollback',
      payload: { device: { id: r.externalDeviceId }, patchId: r.patchId },
      idempotencyKey: key,
      incidentId: r.incidentId,
    });
    const message = await m.getRepository(OutboxMessage).findOneByOrFail({ idempotencyKey: key });
    const rmm = r.plan?.instance.name ?? 'the RMM';
    const who = approvedBy ? `${r.requestedBy} (approved by ${approvedBy})` : r.requestedBy;
    const text = `${who} asked ${rmm} to roll back ${r.patchId} on ${device.displayName}.`;
    const fresh = await m.getRepository(Incident).findOneByOrFail({ id: incident.id });
    if (fresh.state === 'open')
      await this.lifecycle.apply(m, fresh, mitigate(snapshotOf(fresh), { text, at: new Date() }), {
        data: { rollbackId: r.id, instanceId: r.instanceId },
      });
    else await this.tell(m, fresh, text, { rollbackId: r.id }, false);
    const now = Date.now();
    return this.move(
      m,
      r,
      'running',
      {
        outboxId: message.id,
        ...(approvedBy ? { approvedBy } : {}),
        nextCheckAt: new Date(now + this.pollMs()),
        deadlineAt: new Date(now + this.config.env.ROLLBACK_TIMEOUT_MINUTES * 60_000),
      },
      approvedBy ? { by: approvedBy } : {},
    );
  }

  /** Timeline and ticket note on the incident; a failure ends its mitigation. */
  private async tell(
    m: EntityManager,
    incident: Incident,
    text: string,
    data: Record<string, unknown>,
    endsMitigation: boolean,
  ): Promise<void> {
    const fresh = await m.getRepository(Incident).findOneByOrFail({ id: incident.id });
    await this.lifecycle.apply(
      m,
      fresh,
      rollbackNews(snapshotOf(fresh), { text, at: new Date(), endsMitigation }),
      { data },
    );
  }

  // ---- the worker ----

  async tick(): Promise<boolean> {
    const claimed = returnedRows<{ id: string }>(
      await this.ds.query(
        `UPDATE rollback SET lease_until = now() + interval '2 minutes'
          WHERE id IN (SELECT id FROM rollback
                        WHERE state IN ('waiting-for-device', 'running', 'verifying')
                          AND next_check_at <= now()
                          AND (lease_until IS NULL OR lease_until < now())
                        ORDER BY next_check_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
          RETURNING id`,
      ),
    );
    for (const { id } of claimed) {
      try {
        await this.advance(id);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.logger.warn({ rollbackId: id, error: message }, 'rollback step failed; retried');
        await this.ds.query(
          `UPDATE rollback SET lease_until = NULL, next_check_at = now() + ($2 || ' milliseconds')::interval WHERE id = $1`,
          [id, String(this.pollMs())],
        );
      }
    }
    if (claimed.length > 0) this.outbox.notify();
    return claimed.length === BATCH;
  }

  private async advance(id: string): Promise<void> {
    const r = await this.ds.getRepository(Rollback).findOneByOrFail({ id });
    if (r.state === 'waiting-for-device') return this.whenOnline(r);
    if (r.state === 'running') return this.follow(r);
    if (r.state === 'verifying') return this.verify(r);
  }

  /** Still under the lease and in the same state: nobody else moved it meanwhile. */
  private async locked<T>(
    r: Rollback,
    work: (m: EntityManager, fresh: Rollback) => Promise<T>,
  ): Promise<T | undefined> {
    return this.ds.transaction(async (m) => {
      await lockDevice(m, r.deviceId);
      const fresh = await m.getRepository(Rollback).findOneBy({ id: r.id, state: r.state });
      if (!fresh) return undefined;
      return work(m, fresh);
    });
  }

  private later(m: EntityManager, r: Rollback, ms = this.pollMs()): Promise<unknown> {
    return m
      .getRepository(Rollback)
      .update({ id: r.id }, { nextCheckAt: new Date(Date.now() + ms), leaseUntil: null });
  }

  private async whenOnline(r: Rollback): Promise<void> {
    await this.locked(r, async (m, fresh) => {
      const device = await m.getRepository(Device).findOneByOrFail({ id: fresh.deviceId });
      if (device.online === false) return this.later(m, fresh);
      const incident = await m.getRepository(Incident).findOneByOrFail({ id: fresh.incidentId });
      await this.start(m, fresh, incident, device);
    });
  }

  /** Asks the RMM how the run went; fails it at the deadline. */
  private async follow(r: Rollback): Promise<void> {
    const message = r.outboxId
      ? await this.ds.getRepository(OutboxMessage).findOneBy({ id: r.outboxId })
      : null;
    if (message?.status === 'dead' || message?.status === 'discarded')
      return this.fail(
        r,
        `${this.rmmName(r)} did not start the script: ${message.lastError ?? message.status}`,
      );
    const overdue = r.deadlineAt !== null && new Date(r.deadlineAt).getTime() <= Date.now();
    if (!r.jobId) {
      if (overdue)
        return this.fail(
          r,
          `the script run was not delivered to ${this.rmmName(r)} within ${this.config.env.ROLLBACK_TIMEOUT_MINUTES} min`,
        );
      return void (await this.locked(r, (m, fresh) => this.later(m, fresh)));
    }
    const { connector } = await this.connector(r);
    if (!connector.rollbackResult)
      return this.fail(r, `${this.rmmName(r)} cannot report the result of a run`);
    let result: RollbackResult;
    try {
      result = await connector.rollbackResult({ id: r.externalDeviceId! }, r.jobId);
    } catch (err) {
      if (err instanceof ConnectorError && !err.retryable)
        return this.fail(r, `${this.rmmName(r)} answered: ${err.message}`);
      throw err;
    }
    if (result.state === 'running') {
      if (overdue)
        return this.fail(
          r,
          `no result from ${this.rmmName(r)} within ${this.config.env.ROLLBACK_TIMEOUT_MINUTES} min (${result.detail})`,
          result,
        );
      return void (await this.locked(r, (m, fresh) =>
        m
          .getRepository(Rollback)
          .update(
            { id: fresh.id },
            { result, nextCheckAt: new Date(Date.now() + this.pollMs()), leaseUntil: null },
          ),
      ));
    }
    if (result.state === 'failed')
      return this.fail(r, result.report?.message ?? result.detail, result);
    await this.locked(r, async (m, fresh) => {
      const incident = await m.getRepository(Incident).findOneByOrFail({ id: fresh.incidentId });
      await addDeviceTimeline(
        m,
        fresh.deviceId,
        new Date(),
        'rollback',
        `The removal of ${fresh.patchId} finished: ${result.detail}`,
        { rollbackId: fresh.id },
      );
      void incident;
      await this.move(
        m,
        fresh,
        'verifying',
        {
          result,
          nextCheckAt: new Date(),
          deadlineAt: new Date(Date.now() + this.config.env.ROLLBACK_VERIFY_MINUTES * 60_000),
        },
        { note: result.detail },
      );
    });
    const again = await this.ds.getRepository(Rollback).findOneByOrFail({ id: r.id });
    if (again.state === 'verifying') await this.verify(again);
  }

  /**
   * The patch gone (the script's report, or the RMM's success when it cannot show output)
   * and every service the incident saw failing running again (asked of the RMM, or recovered
   * according to monitoring).
   */
  private async verify(r: Rollback): Promise<void> {
    const removal = checkRemoval(r.patchId, r.result);
    if (removal.patchRemoved === false) return this.fail(r, removal.patchEvidence);
    const incident = await this.ds.getRepository(Incident).findOneByOrFail({ id: r.incidentId });
    const failed = details(incident.details).failed;
    const device = await this.ds.getRepository(Device).findOneByOrFail({ id: r.deviceId });
    const services =
      failed.length === 0 || device.online === false
        ? null
        : await checkServices(await this.connector(r), this.servicesRoutes(r), failed);
    const verification: RollbackVerification = {
      ...removal,
      services: services?.states ?? [],
      servicesRunning: failed.length === 0 ? true : (services?.allRunning ?? null),
    };
    const overdue = r.deadlineAt !== null && new Date(r.deadlineAt).getTime() <= Date.now();
    if (verification.servicesRunning !== true) {
      if (!overdue)
        return void (await this.locked(r, (m, fresh) =>
          m
            .getRepository(Rollback)
            .update(
              { id: fresh.id },
              { verification, nextCheckAt: new Date(Date.now() + this.pollMs()), leaseUntil: null },
            ),
        ));
      const still = verification.services.filter((s) => s.state !== 'running');
      const what = still.length
        ? still.map((s) => `${s.name} is ${s.state}`).join(', ')
        : device.online === false
          ? `${device.displayName} did not come back online`
          : `${failed.join(', ')} not confirmed running`;
      return this.fail(
        r,
        `${r.patchId} was removed, but ${what} ${this.config.env.ROLLBACK_VERIFY_MINUTES} min later`,
        undefined,
        verification,
      );
    }
    await this.succeed(r, verification, failed);
  }

  private async succeed(
    r: Rollback,
    verification: RollbackVerification,
    failed: string[],
  ): Promise<void> {
    await this.locked(r, async (m, fresh) => {
      const incident = await m.getRepository(Incident).findOneByOrFail({ id: fresh.incidentId });
      const device = await m.getRepository(Device).findOneByOrFail({ id: fresh.deviceId });
      const running = failed.length ? `; ${failed.join(', ')} running` : '';
      const change = `Rolled back ${fresh.patchId} on ${device.displayName}${running}.`;
      await this.lifecycle.apply(
        m,
        incident,
        rolledBack(snapshotOf(incident), {
          change,
          at: new Date(),
          running: failed,
          source: fresh.instanceId ?? 'rollback',
        }),
        { data: { rollbackId: fresh.id, verification } },
      );
      if (fresh.clientId)
        await m
          .createQueryBuilder()
          .insert()
          .into(BlockedPatch)
          .values({
            id: crypto.randomUUID(),
            clientId: fresh.clientId,
            patchId: fresh.patchId.toUpperCase(),
            reason: `rolled back on ${device.displayName} (incident ${incident.key})`,
            blockedBy: fresh.requestedBy,
            rollbackId: fresh.id,
            deviceId: fresh.deviceId,
            createdAt: new Date(),
          })
          .orIgnore()
          .execute();
      // The inventory learns it like any RMM fact: the patch is rolled back on the device.
      if (fresh.instanceId && fresh.externalDeviceId)
        await this.recorder.record(m, fresh.instanceId, null, [
          {
            type: 'patch',
            device: { externalId: fresh.externalDeviceId },
            patchId: fresh.patchId,
            status: 'rolled_back',
            occurredAt: new Date(),
            message: verification.patchEvidence,
          },
        ]);
      await this.move(m, fresh, 'succeeded', { verification }, { note: change });
      this.logger.log(
        { rollbackId: fresh.id, incidentId: fresh.incidentId, patchId: fresh.patchId },
        'rollback succeeded',
      );
    });
    this.recorder.committed();
    this.outbox.notify();
  }

  private async fail(
    r: Rollback,
    reason: string,
    result?: RollbackResult,
    verification?: RollbackVerification,
  ): Promise<void> {
    await this.locked(r, async (m, fresh) => {
      const incident = await m.getRepository(Incident).findOneByOrFail({ id: fresh.incidentId });
      const device = await m.getRepository(Device).findOneByOrFail({ id: fresh.deviceId });
      await this.tell(
        m,
        incident,
        `Rollback of ${fresh.patchId} on ${device.displayName} failed: ${reason.replace(/\.$/, '')}.`,
        { rollbackId: fresh.id },
        true,
      );
      await this.move(
        m,
        fresh,
        'failed',
        { reason, ...(result ? { result } : {}), ...(verification ? { verification } : {}) },
        { note: reason },
      );
      this.logger.warn(
        { rollbackId: fresh.id, incidentId: fresh.incidentId, patchId: fresh.patchId, reason },
        'rollback failed',
      );
    });
    this.outbox.notify();
  }

  private rmmName(r: Rollback): string {
    return r.plan?.instance.name ?? 'the RMM';
  }

  private async connector(r: Rollback) {
    const instance = await this.ds
      .getRepository(ConnectorInstance)
      .findOneByOrFail({ id: r.instanceId! });
    return this.host.live(instance);
  }

  private servicesRoutes(r: Rollback): { externalId: string } {
    return { externalId: r.externalDeviceId! };
  }
}
