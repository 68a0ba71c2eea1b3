import type { HealthFact } from '../incidents/incident-transitions';
import type { Device } from '../inventory/entities/device.entity';
import type { HealthEvent } from '../inventory/entities/health-event.entity';

/** A stored health event as the incident lifecycle reads it. */
export function healthFact(device: Device, event: HealthEvent): HealthFact {
  return {
    kind: event.kind,
    subject: event.subject,
    origin: event.origin,
    at: new Date(event.occurredAt),
    source: event.instanceId,
    ...(event.check ? { check: event.check } : {}),
    deviceName: device.displayName,
  };
}

/** The monitoring problem that reported the event, when there is one. */
export function alertOf(event: HealthEvent): { instanceId: string; problemId: string } | undefined {
  return event.problemId ? { instanceId: event.instanceId, problemId: event.problemId } : undefined;
}
