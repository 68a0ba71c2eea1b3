import type {
  CanonicalEvent,
  ClientSeen,
  DeviceSeen,
  PatchCategory,
  PatchSeen,
  PatchStatus,
  RebootSeen,
  ServiceState,
  Severity,
} from '../contract/canonical';
import type { RawRecord } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { kbOf, toDeviceRef } from './connectwise-automate.refs';
import { AutomateRecord } from './connectwise-automate.validate';

/** The record types this connector stores in the inbox, named after Automate's nouns. */
export const AUTOMATE_RECORD_TYPES = [
  'client',
  'computer',
  'computer-startup',
  'patch-history',
  'microsoft-update',
] as const;
export type AutomateRecordType = (typeof AUTOMATE_RECORD_TYPES)[number];

/** Microsoft's severity ratings as MicrosoftUpdates carries them (strings UNCONFIRMED). */
const SEVERITY: Record<string, Severity> = {
  low: 'low',
  moderate: 'moderate',
  important: 'important',
  critical: 'critical',
};

/** Windows Update classification names, which MicrosoftUpdates' Category carries. */
const CATEGORY: Record<string, PatchCategory> = {
  'security updates': 'security',
  'critical updates': 'critical',
  'update rollups': 'rollup',
  updates: 'regular',
  'service packs': 'regular',
  'feature packs': 'feature',
  upgrades: 'feature',
  drivers: 'driver',
  'definition updates': 'definition',
};

/**
 * PatchHistory codes follow the Windows Update Agent's enums (api doc §4.3): the names when
 * Automate sends them, the ids (OperationResultCode 0–5, UpdateOperation 1–2) otherwise.
 */
const RESULT_BY_NAME: Record<string, 'succeeded' | 'failed' | 'unfinished'> = {
  notstarted: 'unfinished',
  inprogress: 'unfinished',
  succeeded: 'succeeded',
  succeededwitherrors: 'succeeded',
  failed: 'failed',
  aborted: 'failed',
};
const RESULT_BY_ID = [
  'unfinished',
  'unfinished',
  'succeeded',
  'succeeded',
  'failed',
  'failed',
] as const;
const OPERATION_BY_NAME: Record<string, 'install' | 'uninstall'> = {
  installation: 'install',
  uninstallation: 'uninstall',
};
const OPERATION_BY_ID: Record<number, 'install' | 'uninstall'> = { 1: 'install', 2: 'uninstall' };

/** Approval names that mean "will not be installed": nothing is pending (values UNCONFIRMED). */
const NOT_WANTED = new Set(['ignored', 'ignore', 'rejected', 'denied', 'notapproved']);

function squash(text: string | undefined): string {
  return (text ?? '').toLowerCase().replace(/[\s_-]/g, '');
}

function lookup(record: AutomateRecord | undefined): { id?: number; name: string } {
  return { id: record?.optId('Id'), name: squash(record?.optStr('Name')) };
}

export function toClientSeen(payload: unknown): ClientSeen {
  const first = AutomateRecord.of('client', payload);
  const id = first.id('Id');
  const name = first.relabel(`client ${id}`).str('Name');
  return { type: 'client', client: { externalId: String(id), name } };
}

export function toDeviceSeen(payload: unknown): DeviceSeen {
  const first = AutomateRecord.of('computer', payload);
  const id = first.id('Id');
  const computer = first.relabel(`computer ${id}`);
  const client = computer.optObject('Client');
  const status = computer.optStr('Status');
  const rebootNeeded = computer.optBool('IsRebootNeeded');
  const lastBootAt = computer.optTime('LastStartup');
  return {
    type: 'device',
    occurredAt: computer.optTime('RemoteAgentLastContact'),
    ...(client
      ? { client: { externalId: String(client.id('Id')), name: client.optStr('Name') } }
      : {}),
    device: toDeviceRef(computer, id),
    displayName: computer.optStr('FriendlyName') ?? computer.optStr('ComputerName'),
    role: computer.optStr('Type'),
    os: computer.optStr('OperatingSystemName'),
    // Status is 'Online' or 'Offline' (api doc §4.2); anything else says nothing.
    online: status === 'Online' ? true : status === 'Offline' ? false : undefined,
    ...(lastBootAt ? { lastBootAt } : {}),
    ...(rebootNeeded === undefined
      ? {}
      : {
          rebootPending: {
            pending: rebootNeeded,
            reason: 'Automate reports the computer needs a reboot (IsRebootNeeded)',
          },
        }),
  };
}

/** The computer's last start-up, as a reboot: Automate has no reboot event of its own. */
export function toStartupEvents(payload: unknown): RebootSeen[] {
  const first = AutomateRecord.of('computer', payload);
  const id = first.id('Id');
  const at = first.relabel(`computer ${id}`).optTime('LastStartup');
  if (!at) return [];
  return [
    {
      type: 'reboot',
      sourceId: `startup:${id}:${at.toISOString()}`,
      occurredAt: at,
      device: { externalId: String(id) },
      message: 'the computer started (Automate LastStartup)',
    },
  ];
}

/** One install or uninstall attempt from the history log. Unfinished attempts say nothing. */
export function toPatchHistoryEvents(payload: unknown): PatchSeen[] {
  const first = AutomateRecord.of('patch history', payload);
  const computerId = first.id('ComputerId');
  const row = first.relabel(`patch history of computer ${computerId}`);
  const at = row.time('ActionDate');
  const result = lookup(row.optObject('ResultCode'));
  const operation = lookup(row.optObject('OperationCode'));
  const outcome =
    RESULT_BY_NAME[result.name] ?? (result.id === undefined ? undefined : RESULT_BY_ID[result.id]);
  const kind =
    OPERATION_BY_NAME[operation.name] ??
    (operation.id === undefined ? undefined : OPERATION_BY_ID[operation.id]);
  let status: PatchStatus | undefined;
  if (kind === 'install' && outcome === 'succeeded') status = 'installed';
  if (kind === 'install' && outcome === 'failed') status = 'failed';
  // A failed uninstall leaves the patch as it was: nothing new to say.
  if (kind === 'uninstall' && outcome === 'succeeded') status = 'rolled_back';
  if (!status) return [];
  const title = row.optObject('PatchHistoryTitle');
  const name = title?.optStr('Title');
  const updateId = row.optStr('UpdateId') ?? String(title?.optId('Id') ?? 'unknown');
  return [
    {
      type: 'patch',
      sourceId: `${computerId}:${updateId}:${at.toISOString()}:${kind}`,
      occurredAt: at,
      device: { externalId: String(computerId) },
      patchId: kbOf(title?.optId('KnowledgeBaseId'), name) ?? name ?? updateId,
      title: name,
      status,
    },
  ];
}

/**
 * A Microsoft update the computer lacks: failed, approved (will install) or pending approval.
 * Installed ones come from the history log (with their install time), ignored ones are not
 * pending at all; both yield nothing here.
 */
export function toMicrosoftUpdateEvents(payload: unknown): PatchSeen[] {
  const first = AutomateRecord.of('microsoft update', payload);
  const computerId = first.id('ComputerId');
  const update = first.relabel(`microsoft update of computer ${computerId}`);
  if (update.optBool('IsInstalled') === true) return [];
  const failed =
    update.optBool('IsFailed') === true || squash(update.optStr('InstallState')) === 'failed';
  const approval = squash(update.optObject('PolicyApproval')?.optStr('Name'));
  if (!failed && NOT_WANTED.has(approval)) return [];
  const status: PatchStatus = failed ? 'failed' : approval === 'approved' ? 'approved' : 'pending';
  // No "seen at" exists: the install attempt's date, else the release date anchors the fact.
  const at = update.optTime('InstallDate') ?? update.optTime('ReleaseDate');
  if (!at) return [];
  const title = update.optStr('Title');
  const updateId = update.optStr('MicrosoftUpdateId') ?? String(update.optId('KnowledgeBaseId'));
  const severity = SEVERITY[squash(update.optStr('Severity'))];
  const category = CATEGORY[(update.optStr('Category') ?? '').trim().toLowerCase()];
  return [
    {
      type: 'patch',
      sourceId: `${computerId}:${updateId}`,
      occurredAt: at,
      device: { externalId: String(computerId) },
      patchId: kbOf(update.optId('KnowledgeBaseId'), title) ?? title ?? updateId,
      title,
      ...(severity ? { severity } : {}),
      ...(category ? { category } : {}),
      status,
    },
  ];
}

/** Service control manager states, however Automate spells them (values UNCONFIRMED). */
const SERVICE_STATE: Record<string, ServiceState['state']> = {
  running: 'running',
  stopped: 'stopped',
  startpending: 'starting',
  continuepending: 'starting',
  stoppending: 'stopping',
  pausepending: 'stopping',
  paused: 'paused',
};

const START_TYPE: Record<string, NonNullable<ServiceState['startType']>> = {
  auto: 'auto',
  automatic: 'auto',
  'automatic(delayedstart)': 'auto',
  'auto(delayedstart)': 'auto',
  boot: 'auto',
  system: 'auto',
  manual: 'manual',
  demand: 'manual',
  disabled: 'disabled',
};

export function toServiceState(payload: unknown): ServiceState {
  const first = AutomateRecord.of('service', payload);
  const service = first.relabel(`service ${first.str('Name')}`);
  return {
    name: service.str('Name'),
    displayName: service.optStr('Description'),
    state: SERVICE_STATE[squash(service.optStr('State'))] ?? 'unknown',
    startType: START_TYPE[squash(service.optStr('Startup'))] ?? 'unknown',
  };
}

const MAPPERS: Record<AutomateRecordType, (payload: unknown) => CanonicalEvent[]> = {
  client: (p) => [toClientSeen(p)],
  computer: (p) => [toDeviceSeen(p)],
  'computer-startup': toStartupEvents,
  'patch-history': toPatchHistoryEvents,
  'microsoft-update': toMicrosoftUpdateEvents,
};

function isRecordType(type: string): type is AutomateRecordType {
  return (AUTOMATE_RECORD_TYPES as readonly string[]).includes(type);
}

export function mapRecord(type: AutomateRecordType, payload: unknown): CanonicalEvent[] {
  return MAPPERS[type](payload);
}

/** Pure: one stored record in, canonical events out; ConnectorError('invalid') on bad data. */
export function normalizeRecord(raw: RawRecord): CanonicalEvent[] {
  if (!isRecordType(raw.type))
    throw ConnectorError.invalid(`connectwise-automate: unknown record type '${raw.type}'`);
  return mapRecord(raw.type, raw.payload);
}
