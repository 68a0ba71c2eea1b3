import type {
  CanonicalEvent,
  ClientRef,
  DeviceRef,
  HealthKind,
  PatchStatus,
  Severity,
} from '../contract/canonical';
import { kbOf, toDeviceRef } from './ninjaone.refs';
import { VendorRecord } from './ninjaone.validate';

type ActivityMeaning =
  | { type: 'patch'; status: PatchStatus }
  | { type: 'reboot' }
  | { type: 'health'; kind: HealthKind };

/** Status codes (S1 enum) that say something the correlation engine uses. */
const BY_STATUS_CODE: Record<string, ActivityMeaning> = {
  PATCH_MANAGEMENT_INSTALLED: { type: 'patch', status: 'installed' },
  PATCH_MANAGEMENT_INSTALL_FAILED: { type: 'patch', status: 'failed' },
  PATCH_MANAGEMENT_ROLLBACK_PATCH_COMPLETED: { type: 'patch', status: 'rolled_back' },
  SYSTEM_REBOOTED: { type: 'reboot' },
  WINDOWS_SERVICE_STOPPED: { type: 'health', kind: 'service.down' },
  WINDOWS_SERVICE_STARTED: { type: 'health', kind: 'service.up' },
};

// Conditions are NinjaOne's alerts: the activity's seriesUid is the alert uid.
const CONDITION_STATUS: Record<string, HealthKind> = {
  TRIGGERED: 'check.failed',
  RESET: 'check.ok',
};

const ACTIVITY_SEVERITY: Record<string, Severity> = {
  NONE: 'info',
  MINOR: 'low',
  MODERATE: 'moderate',
  MAJOR: 'important',
  CRITICAL: 'critical',
};

function meaningOf(activityType: string, statusCode: string): ActivityMeaning | undefined {
  if (activityType === 'CONDITION') {
    const kind = CONDITION_STATUS[statusCode];
    return kind ? { type: 'health', kind } : undefined;
  }
  return BY_STATUS_CODE[statusCode];
}

/** Webhook deliveries may inline the device (expand); pulled activities carry only its id. */
function whereItHappened(activity: VendorRecord): { device: DeviceRef; client?: ClientRef } {
  const deviceId = activity.int('deviceId');
  const expanded = activity.optObject('device');
  if (!expanded) return { device: { externalId: String(deviceId) } };
  const organizationId = expanded.optInt('organizationId');
  return {
    device: toDeviceRef(expanded, deviceId),
    client: organizationId === undefined ? undefined : { externalId: String(organizationId) },
  };
}

/**
 * One activity → at most one event. Activities that mean nothing to correlation yield [];
 * so does a patch activity naming no patch, because the wording of subject/message for
 * patch events is unconfirmed and the os-patch-installs report carries the same fact.
 */
export function toActivityEvents(payload: unknown): CanonicalEvent[] {
  const first = VendorRecord.of('activity', payload);
  const id = first.int('id');
  const activity = first.relabel(`activity ${id}`);
  const meaning = meaningOf(activity.str('activityType'), activity.str('statusCode'));
  if (!meaning) return [];
  const severity = activity.optStr('severity');
  const base = {
    sourceId: String(id),
    occurredAt: activity.time('activityTime'),
    ...whereItHappened(activity),
    message: activity.optStr('message'),
  };
  const subject = activity.optStr('subject');
  switch (meaning.type) {
    case 'reboot':
      return [{ ...base, type: 'reboot' }];
    case 'patch': {
      const patchId = kbOf(undefined, subject) ?? kbOf(undefined, base.message) ?? subject;
      return patchId ? [{ ...base, type: 'patch', patchId, status: meaning.status }] : [];
    }
    case 'health': {
      const isCondition = meaning.kind.startsWith('check.');
      return [
        {
          ...base,
          type: 'health',
          kind: meaning.kind,
          subject: isCondition ? activity.optStr('sourceName') : subject,
          severity: severity ? ACTIVITY_SEVERITY[severity] : undefined,
          problemId: isCondition ? activity.optStr('seriesUid') : undefined,
        },
      ];
    }
  }
}
