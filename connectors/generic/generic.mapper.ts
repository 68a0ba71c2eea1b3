import type {
  CanonicalEvent,
  ClientRef,
  DeviceRef,
  HealthSeen,
  PatchStatus,
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

/** Pure generic → canonical mapping; the event has been validated at the webhook already. */
export function toCanonical(event: GenericEvent, defaultClient?: string): CanonicalEvent[] {
  const problems = validateGenericEvent(event, 'event');
  if (problems.length > 0) throw ConnectorError.invalid(problems.join('; '));
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
