import type {
  CanonicalEvent,
  ClientSeen,
  DeviceSeen,
  PatchSeen,
  PatchStatus,
  ServiceState,
  PatchCategory,
  Severity,
} from '../contract/canonical';
import type { RawRecord } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { toActivityEvents } from './ninjaone.activity.mapper';
import { kbOf, toDeviceRef } from './ninjaone.refs';
import { VendorRecord } from './ninjaone.validate';

/** The record types this connector stores in the inbox, named after the vendor's nouns. */
export const NINJAONE_RECORD_TYPES = [
  'organization',
  'device',
  'os-patch',
  'os-patch-install',
  'activity',
] as const;
export type NinjaOneRecordType = (typeof NINJAONE_RECORD_TYPES)[number];

const PATCH_SEVERITY: Record<string, Severity> = {
  OPTIONAL: 'low',
  MODERATE: 'moderate',
  IMPORTANT: 'important',
  CRITICAL: 'critical',
};

// The os-patches `type` filter values (api doc 4.3).
const PATCH_CATEGORY: Record<string, PatchCategory> = {
  SECURITY_UPDATES: 'security',
  CRITICAL_UPDATES: 'critical',
  UPDATE_ROLLUPS: 'rollup',
  REGULAR_UPDATES: 'regular',
  FEATURE_PACKS: 'feature',
  DRIVER_UPDATES: 'driver',
  DEFINITION_UPDATES: 'definition',
};

// REJECTED has no canonical status: a rejected patch is neither pending nor missing.
const PENDING_STATUS: Record<string, PatchStatus> = {
  MANUAL: 'pending',
  PENDING: 'pending',
  APPROVED: 'approved',
  FAILED: 'failed',
};

const INSTALL_STATUS: Record<string, PatchStatus> = {
  INSTALLED: 'installed',
  FAILED: 'failed',
};

export function toClientSeen(payload: unknown): ClientSeen {
  const record = VendorRecord.of('organization', payload);
  const id = record.int('id');
  const name = record.relabel(`organization ${id}`).str('name');
  return { type: 'client', client: { externalId: String(id), name } };
}

export function toDeviceSeen(payload: unknown): DeviceSeen {
  const first = VendorRecord.of('device', payload);
  const id = first.int('id');
  const device = first.relabel(`device ${id}`);
  const offline = device.optBool('offline');
  const os = device.optObject('os');
  const needsReboot = os?.optBool('needsReboot');
  const lastBootAt = os?.optTime('lastBootTime');
  return {
    type: 'device',
    occurredAt: device.optTime('lastContact'),
    client: { externalId: String(device.int('organizationId')) },
    device: toDeviceRef(device, id),
    displayName: device.optStr('displayName') ?? device.optStr('systemName'),
    role: device.optStr('nodeClass'),
    os: os?.optStr('name'),
    online: offline === undefined ? undefined : !offline,
    // os.needsReboot (devices-detailed, api doc 4.9): the RMM's own pending-reboot flag.
    ...(lastBootAt ? { lastBootAt } : {}),
    ...(needsReboot === undefined
      ? {}
      : {
          rebootPending: {
            pending: needsReboot,
            reason: 'NinjaOne reports the device needs a reboot',
          },
        }),
  };
}

function toPatchSeen(
  patch: VendorRecord,
  id: string,
  status: PatchStatus,
  occurredAt: Date,
): PatchSeen {
  const name = patch.optStr('name');
  const severity = patch.optStr('severity');
  const type = patch.optStr('type');
  return {
    type: 'patch',
    sourceId: id,
    occurredAt,
    device: { externalId: String(patch.int('deviceId')) },
    patchId: kbOf(patch.optStr('kbNumber'), name) ?? name ?? id,
    title: name,
    severity: severity ? PATCH_SEVERITY[severity] : undefined,
    ...(type && PATCH_CATEGORY[type] ? { category: PATCH_CATEGORY[type] } : {}),
    status,
  };
}

/** A patch with no install record yet; REJECTED and unknown statuses yield nothing. */
export function toPendingPatchEvents(payload: unknown): PatchSeen[] {
  const first = VendorRecord.of('os patch', payload);
  const patch = first.relabel(`os patch ${first.str('id')}`);
  const status = PENDING_STATUS[patch.str('status')];
  if (!status) return [];
  return [toPatchSeen(patch, patch.str('id'), status, patch.time('timestamp'))];
}

/** One install attempt: INSTALLED or FAILED. */
export function toPatchInstallEvents(payload: unknown): PatchSeen[] {
  const first = VendorRecord.of('os patch install', payload);
  const install = first.relabel(`os patch install ${first.str('id')}`);
  const status = INSTALL_STATUS[install.str('status')];
  if (!status) return [];
  return [toPatchSeen(install, install.str('id'), status, install.time('installedAt'))];
}

const SERVICE_STATE: Record<string, ServiceState['state']> = {
  RUNNING: 'running',
  STOPPED: 'stopped',
  START_PENDING: 'starting',
  CONTINUE_PENDING: 'starting',
  STOP_PENDING: 'stopping',
  PAUSE_PENDING: 'stopping',
  PAUSED: 'paused',
  UNKNOWN: 'unknown',
};

const START_TYPE: Record<string, NonNullable<ServiceState['startType']>> = {
  AUTO_START: 'auto',
  AUTO_START_DELAYED: 'auto',
  BOOT_START: 'auto',
  SYSTEM_START: 'auto',
  DEMAND_START: 'manual',
  DISABLED: 'disabled',
};

export function toServiceState(payload: unknown): ServiceState {
  const first = VendorRecord.of('windows service', payload);
  const service = first.relabel(`windows service ${first.str('name')}`);
  return {
    name: service.str('name'),
    displayName: service.optStr('displayName'),
    state: SERVICE_STATE[service.str('state')] ?? 'unknown',
    startType: START_TYPE[service.optStr('startType') ?? ''] ?? 'unknown',
  };
}

const MAPPERS: Record<NinjaOneRecordType, (payload: unknown) => CanonicalEvent[]> = {
  organization: (p) => [toClientSeen(p)],
  device: (p) => [toDeviceSeen(p)],
  'os-patch': toPendingPatchEvents,
  'os-patch-install': toPatchInstallEvents,
  activity: toActivityEvents,
};

function isRecordType(type: string): type is NinjaOneRecordType {
  return (NINJAONE_RECORD_TYPES as readonly string[]).includes(type);
}

export function mapRecord(type: NinjaOneRecordType, payload: unknown): CanonicalEvent[] {
  return MAPPERS[type](payload);
}

/** Pure: one stored record in, canonical events out; ConnectorError('invalid') on bad data. */
export function normalizeRecord(raw: RawRecord): CanonicalEvent[] {
  if (!isRecordType(raw.type))
    throw ConnectorError.invalid(`ninjaone: unknown record type '${raw.type}'`);
  return mapRecord(raw.type, raw.payload);
}
