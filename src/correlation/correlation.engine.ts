import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { InventoryRecorder } from '../inventory/inventory-recorder.service';
import type { EventListener, RecordedEvent } from '../inventory/recorded-event';
import { lockDevice } from '../incidents/incident-store';
import { DecisionLog } from './decision-log';
import { HealthDownUseCase } from './usecases/health-down.usecase';
import { HealthUpUseCase } from './usecases/health-up.usecase';
import { PatchSeenUseCase } from './usecases/patch-seen.usecase';
import { TicketSeenUseCase } from './usecases/ticket-seen.usecase';
import { IncidentNotifier } from '../incidents/incident-notifier';
import { MetricsService } from '../common/metrics.service';

const DOWN = new Set(['device.down', 'service.down', 'check.failed']);

/**
 * Runs inside the transaction that stores each normalized event, so an incident and its
 * outbox messages commit with the event that caused them, or not at all.
 */
@Injectable()
export class CorrelationEngine implements EventListener, OnModuleInit {
  constructor(
    private readonly recorder: InventoryRecorder,
    private readonly decisions: DecisionLog,
    private readonly down: HealthDownUseCase,
    private readonly up: HealthUpUseCase,
    private readonly patch: PatchSeenUseCase,
    private readonly ticket: TicketSeenUseCase,
    private readonly notifier: IncidentNotifier,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.recorder.register(this);
  }

  /** Write-backs decided in the batch are committed now: deliver them without waiting a tick. */
  afterCommit(): void {
    this.notifier.committed();
  }

  async onRecorded(m: EntityManager, events: RecordedEvent[]): Promise<void> {
    for (const e of events) {
      const started = process.hrtime.bigint();
      await this.decide(m, e);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.correlationSeconds.observe({ type: e.type }, seconds);
    }
  }

  /** One event's decision, under its device's lock: the time the histogram measures. */
  private async decide(m: EntityManager, e: RecordedEvent): Promise<void> {
    if (e.type === 'health') {
      await lockDevice(m, e.device.id);
      const verdict = DOWN.has(e.event.kind)
        ? await this.down.run(m, e.device, e.event)
        : await this.up.run(m, e.device, e.event);
      await this.decisions.record(m, e.device, e.event, verdict);
    } else if (e.type === 'patch') {
      await lockDevice(m, e.device.id);
      await this.patch.run(m, e.device, e.event);
    } else {
      if (e.device) await lockDevice(m, e.device.id);
      await this.ticket.run(m, e.instanceId, e.ticket, e.device, e.clientId);
    }
  }
}
