import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { InventoryRecorder } from '../inventory/inventory-recorder.service';
import type { EventListener, RecordedEvent } from '../inventory/recorded-event';
import { summarise } from './compliance-summaries';

/**
 * Keeps each device's patch summary current in the transaction that records its patch events,
 * so the compliance counts move with the event and a page never recomputes from history.
 */
@Injectable()
export class ComplianceSummaryListener implements EventListener, OnModuleInit {
  constructor(private readonly recorder: InventoryRecorder) {}

  onModuleInit(): void {
    this.recorder.register(this);
  }

  async onRecorded(m: EntityManager, events: RecordedEvent[]): Promise<void> {
    const devices = new Set<string>();
    for (const e of events) if (e.type === 'patch' && e.event.patchId) devices.add(e.device.id);
    if (devices.size > 0) await summarise(m, { deviceIds: [...devices] });
  }
}
