import type {
  CanonicalEvent,
  ClientRef,
  DeviceRef,
  HealthSeen,
  PatchStatus,
  PatchCategory,
  Severity,
} from '../contract/canonical';
import { ConnectorError } from '../contract/connector-error';
import type { GenericEvent } from './generic.types';
import { validateGenericEvent } from './generic.validate';

const PATCH_STATUS: Record<string, PatchStatus> = {
  'patch.installed': 'installed',
  'patch.failed': 'failed',
  'patch.pending': 'pending',
  'patch.rolled_back': 'rolled_back',
};

function toDevice(d: GenericEvent['device']): DeviceRef {
  return { externalId: d.id, hostname: d.hostname, fqdn: d.fqdn, ip: d.ip, serial: d.serial };
}

/** The device's OS and role when the sender gave them (compliance weighs servers higher). */
function deviceFacts(d: GenericEvent['device']): { os?: string; role?: string } {
  return {
    ...(d.os?.trim() ? { os: d.os.trim() } : {}),
    ...(d.role?.trim() ? { role: d.role.trim() } : {}),
  };
}

/** Pure generic → canonical mapping; the event has been validated at the webhook already. */
export function toCanonical(event: GenericEvent, defaultClient?: string): CanonicalEvent[] {
  const problems = validateGenericEvent(event, 'event');
  if (problems.length > 0) throw ConnectorError.invalid(problems.join('; '));
  const facts = deviceFacts(event.device);
  const events = mapEvent(event, defaultClient);
  if (Object.keys(facts).length === 0) return events;
  const first = events[0];
  if (first?.type === 'device') return [{ ...first, ...facts }, ...events.slice(1)];
  // The facts go first, on a device event of their own, so the device has them when the
  // event itself is recorded.
  return [
    {
      type: 'device',
      occurredAt: new Date(event.occurredAt),
      client: (first as { client?: ClientRef } | undefined)?.client,
      device: toDevice(event.device),
      ...facts,
    },
    ...events,
  ];
}

function mapEvent(event: GenericEvent, defaultClient?: string): CanonicalEvent[] {
  const clientName = event.client ?? defaultClient;
  const client: ClientRef | undefined = clientName ? { name: clientName } : undefined;
  const base = {
    sourceId: event.eventId,
    occurredAt: new Date(event.occurredAt),
    client,
    device: toDevice(event.device),
    message: event.message,
  };
  const status = PATCH_STATUS[event.kind];
  if (status && event.patch) {
    return [
      {
        ...base,
        type: 'patch',
        status,
        patchId: event.patch.id.trim(),
        title: event.patch.title,
        severity: event.patch.severity as Severity | undefined,
        category: event.patch.category as PatchCategory | undefined,
        rebootRequired: event.patch.rebootRequired,
      },
    ];
  }
  if (event.kind === 'device.rebooted') return [{ ...base, type: 'reboot' }];
  if (event.kind === 'reboot.pending' || event.kind === 'reboot.clear') {
    return [
      {
        type: 'device',
        sourceId: event.eventId,
        occurredAt: base.occurredAt,
        client,
        device: base.device,
        ...(event.lastBootAt ? { lastBootAt: new Date(event.lastBootAt) } : {}),
        rebootPending: {
          pending: event.kind === 'reboot.pending',
          reason: event.message,
          check: event.check?.name,
        },
      },
    ];
  }
  const subject = event.service?.name ?? event.check?.name;
  return [
    {
      ...base,
      type: 'health',
      kind: event.kind as HealthSeen['kind'],
      subject,
      ...(event.origin ? { origin: event.origin } : {}),
      ...(event.service && event.check ? { check: event.check.name } : {}),
    },
  ];
}
