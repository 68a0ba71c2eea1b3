import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { HealthSeen, ServiceState } from '../../connectors/contract/canonical';
import { ConnectorError } from '../../connectors/contract/connector-error';
import { AppConfig } from '../config/app-config';
import { ConnectorHost } from '../connector-instances/connector-host.service';
import { ConnectorInstance } from '../connector-instances/entities/connector-instance.entity';
import { returnedRows } from '../common/sql';
import { WorkerLoop } from '../common/worker-loop';
import { Device } from '../inventory/entities/device.entity';
import { HealthEvent } from '../inventory/entities/health-event.entity';
import { InventoryRecorder } from '../inventory/inventory-recorder.service';
import { DecisionLog } from './decision-log';
import { DeferredCheck } from './deferred-check.entity';
import { addDeviceTimeline, lockDevice } from '../incidents/incident-store';
import { criticalServicesFor, WELL_KNOWN_CRITICAL } from './rules/rule-settings';
import { RulesService } from './rules.service';
import { HealthDownUseCase } from './usecases/health-down.usecase';
import { IncidentNotifier } from '../incidents/incident-notifier';

const MAX_TRIES = 5;

/** The critical services that are not running, from the RMM's list for the device. */
export function failedCritical(
  services: ServiceState[],
  critical: string[],
): { failed: ServiceState[]; running: ServiceState[] } {
  const wanted = new Set(critical.map((s) => s.toLowerCase()));
  const wellKnown = new Set(WELL_KNOWN_CRITICAL.map((s) => s.toLowerCase()));
  const relevant = services.filter(
    (s) =>
      wanted.has(s.name.toLowerCase()) ||
      (wellKnown.has(s.name.toLowerCase()) && s.startType === 'auto'),
  );
  return {
    failed: relevant.filter((s) => s.state !== 'running'),
    running: relevant.filter((s) => s.state === 'running'),
  };
}

/**
 * Runs postponed decisions when due: a device still down after its reboot grace opens its
 * incident; a post-patch verification asks the RMM for the device's services and records
 * each critical service's state through the inventory, as a health event of origin
 * 'verification' (so a stopped one opens or updates the incident even when monitoring stays
 * green).
 */
@Injectable()
export class DeferredChecksWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeferredChecksWorker.name);
  readonly loop: WorkerLoop;

  constructor(
    private readonly ds: DataSource,
    private readonly host: ConnectorHost,
    private readonly rules: RulesService,
    private readonly down: HealthDownUseCase,
    private readonly recorder: InventoryRecorder,
    private readonly decisions: DecisionLog,
    private readonly config: AppConfig,
    private readonly notifier: IncidentNotifier,
  ) {
    this.loop = new WorkerLoop(
      'deferred-checks',
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

  async tick(): Promise<boolean> {
    const claimed = returnedRows<{ id: string }>(
      await this.ds.query(
        `UPDATE deferred_check SET lease_until = now() + interval '2 minutes'
          WHERE id IN (SELECT id FROM deferred_check WHERE status = 'pending' AND due_at <= now()
                         AND (lease_until IS NULL OR lease_until < now())
                       ORDER BY due_at LIMIT 10 FOR UPDATE SKIP LOCKED)
          RETURNING id`,
      ),
    );
    for (const { id } of claimed) {
      const check = await this.ds.getRepository(DeferredCheck).findOneByOrFail({ id });
      try {
        if (check.kind === 'reboot-grace') await this.graceOver(check);
        else await this.verify(check);
        this.notifier.committed();
      } catch (err) {
        await this.retryLater(check, err);
      }
    }
    return claimed.length === 10;
  }

  private async graceOver(check: DeferredCheck): Promise<void> {
    await this.ds.transaction(async (m) => {
      await lockDevice(m, check.deviceId);
      const still = await m
        .getRepository(DeferredCheck)
        .findOneBy({ id: check.id, status: 'pending' });
      if (!still) return;
      await m.getRepository(DeferredCheck).update({ id: check.id }, { status: 'done' });
      const data = check.data as { healthEventId: string };
      const device = await m.getRepository(Device).findOneByOrFail({ id: check.deviceId });
      const event = await m.getRepository(HealthEvent).findOneByOrFail({ id: data.healthEventId });
      const verdict = await this.down.run(m, device, event, { afterGrace: true });
      await this.decisions.record(m, device, event, verdict);
    });
  }

  private async verify(check: DeferredCheck): Promise<void> {
    const data = check.data as { instanceId: string; externalId: string; tries?: number };
    const instance = await this.ds
      .getRepository(ConnectorInstance)
      .findOneByOrFail({ id: data.instanceId });
    const { connector } = this.host.live(instance);
    if (!connector.getServices)
      throw ConnectorError.invalid(`${instance.kind} reports no services`);
    const services = await connector.getServices({ id: data.externalId });
    await this.ds.transaction(async (m) => {
      await lockDevice(m, check.deviceId);
      const device = await m.getRepository(Device).findOneByOrFail({ id: check.deviceId });
      const { rules } = await this.rules.forClient(m, device.clientId);
      const { failed, running } = failedCritical(services, criticalServicesFor(rules, device));
      const now = new Date();
      await m.getRepository(DeferredCheck).update({ id: check.id }, { status: 'done' });
      await addDeviceTimeline(
        m,
        device.id,
        now,
        'verification',
        failed.length
          ? `Post-patch verification: ${failed.map((s) => `${s.name} ${s.state}`).join(', ')}.`
          : `Post-patch verification: ${running.length} critical service(s) running.`,
        { services: [...failed, ...running] },
      );
      // Recorded like any other vendor read: the inventory stores them, correlation decides.
      const seen = (kind: 'service.up' | 'service.down', svc: ServiceState): HealthSeen => ({
        type: 'health',
        origin: 'verification',
        device: { externalId: data.externalId },
        kind,
        subject: svc.name,
        severity: kind === 'service.down' ? 'critical' : 'info',
        message: `post-patch verification: ${svc.name} is ${svc.state}`,
        occurredAt: now,
      });
      await this.recorder.record(m, instance.id, null, [
        ...running.map((svc) => seen('service.up', svc)),
        ...failed.map((svc) => seen('service.down', svc)),
      ]);
    });
  }

  private async retryLater(check: DeferredCheck, err: unknown): Promise<void> {
    const tries = ((check.data as { tries?: number }).tries ?? 0) + 1;
    const message = err instanceof Error ? err.message : String(err);
    const retryable = !(err instanceof ConnectorError) || err.retryable;
    const giveUp = !retryable || tries >= MAX_TRIES;
    await this.ds.getRepository(DeferredCheck).update(
      { id: check.id },
      {
        status: giveUp ? 'cancelled' : 'pending',
        dueAt: new Date(Date.now() + 60_000 * tries),
        leaseUntil: null,
        data: { ...check.data, tries, lastError: message },
      },
    );
    if (giveUp)
      await addDeviceTimeline(
        this.ds.manager,
        check.deviceId,
        new Date(),
        'verification-failed',
        `${check.kind} gave up after ${tries} tries: ${message}`,
      );
    this.logger.warn(
      { checkId: check.id, kind: check.kind, tries, error: message },
      'deferred check failed',
    );
  }
}
