import type { HealthKind, HealthSeen } from '../contract/canonical';
import { ConnectorError } from '../contract/connector-error';
import {
  clientOf,
  deviceLabelOf,
  severityOf,
  targetOf,
  toDeviceRef,
  type AlertTarget,
} from './alertmanager.labels';
import type { AlertmanagerSettings } from './alertmanager.settings';
import type { AlertmanagerAlertRecord, AlertmanagerLabels } from './alertmanager.types';
import { parseTime } from './alertmanager.validate';

const KINDS: Record<AlertTarget['target'], [HealthKind, HealthKind]> = {
  device: ['device.down', 'device.up'],
  service: ['service.down', 'service.up'],
  check: ['check.failed', 'check.ok'],
};

/**
 * When the alert stopped: its `endsAt` from a resolve notification; for an alert the poll
 * found missing, its last known end if that already passed (it expired), else the time it was
 * found missing (resolved between polls, or lost by a restart). Never before it started.
 */
function resolvedAt(record: AlertmanagerAlertRecord, startsAt: Date): Date | undefined {
  const ends = parseTime(record.endsAt);
  const missing = parseTime(record.missingSince);
  let at = ends;
  if (missing) at = ends && ends < missing ? ends : missing;
  if (!at) return undefined;
  return at < startsAt ? startsAt : at;
}

/** What an admin needs to map the alert: the labels looked for, and the labels it has. */
function noDeviceReason(labels: AlertmanagerLabels, deviceLabels: readonly string[]): string {
  const has = Object.keys(labels).sort().join(', ') || 'none';
  return (
    `carries none of the device labels ${deviceLabels.join(', ')} (its labels: ${has}); ` +
    'add one of its labels to deviceLabels, or the label to the alert rule'
  );
}

/** One alert record → one health event (firing → down/failed, resolved → up/ok). */
export function toHealthEvent(
  record: AlertmanagerAlertRecord,
  settings: AlertmanagerSettings,
): HealthSeen {
  const { labels } = record;
  const name = labels.alertname ?? 'alert';
  const device = deviceLabelOf(labels, settings.deviceLabels);
  const startsAt = parseTime(record.startsAt)!;
  const firing = record.status === 'firing';
  const occurredAt = firing ? startsAt : resolvedAt(record, startsAt);
  if (!occurredAt)
    throw ConnectorError.invalid(
      `alertmanager: resolved alert ${name} (${record.fingerprint}) has no end time`,
    );
  const target = targetOf(labels, settings);
  const client = clientOf(labels, settings);
  const summary = record.annotations.summary?.trim() || record.annotations.description?.trim();
  return {
    type: 'health',
    sourceId: `${record.fingerprint}@${startsAt.toISOString()}`,
    occurredAt,
    ...(client ? { client } : {}),
    // No device label: an empty device, which the core keeps as an unmatched alert.
    device: device ? toDeviceRef(device) : {},
    ...(device ? {} : { unmatchedReason: noDeviceReason(labels, settings.deviceLabels) }),
    kind: KINDS[target.target][firing ? 0 : 1],
    ...(target.target === 'device' ? {} : { subject: target.subject }),
    ...(firing ? { severity: severityOf(labels, settings) } : {}),
    problemId: record.fingerprint,
    message: summary ? `${name}: ${summary}` : name,
  };
}
