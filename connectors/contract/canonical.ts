/**
 * The canonical model as connectors emit it. Everything past `normalize` speaks only these
 * shapes; vendor payloads never travel further.
 */

export const PATCH_STATUSES = [
  'pending',
  'approved',
  'installed',
  'failed',
  'rolled_back',
] as const;
export type PatchStatus = (typeof PATCH_STATUSES)[number];

export const HEALTH_KINDS = [
  'device.down',
  'device.up',
  'service.down',
  'service.up',
  'check.failed',
  'check.ok',
] as const;
export type HealthKind = (typeof HEALTH_KINDS)[number];

export const SEVERITIES = ['info', 'low', 'moderate', 'important', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * What kind of update a patch is, where the tool says so. Compliance leaves definition updates
 * out (they are replaced by the next one, not installed late).
 */
export const PATCH_CATEGORIES = [
  'security',
  'critical',
  'rollup',
  'regular',
  'feature',
  'driver',
  'definition',
] as const;
export type PatchCategory = (typeof PATCH_CATEGORIES)[number];

/** How a tool identifies a client (tenant): its own id and/or a display name. */
export interface ClientRef {
  externalId?: string;
  name?: string;
}

/** How a tool identifies a device. Any of the fields may be used to match it to others. */
export interface DeviceRef {
  externalId?: string;
  hostname?: string;
  fqdn?: string;
  ip?: string;
  serial?: string;
}

interface EventBase {
  /** The vendor's id for this fact, stable across redeliveries. */
  sourceId?: string;
  occurredAt: Date;
  client?: ClientRef;
}

export interface ClientSeen {
  type: 'client';
  client: Required<Pick<ClientRef, 'name'>> & ClientRef;
}

export interface DeviceSeen extends Omit<EventBase, 'occurredAt'> {
  type: 'device';
  occurredAt?: Date;
  device: DeviceRef;
  displayName?: string;
  role?: string;
  os?: string;
  online?: boolean;
  /** When the device last booted, as it reports it (a pending-reboot flag older than this is stale). */
  lastBootAt?: Date;
  /** Whether the device waits for a reboot to finish installing or removing updates. */
  rebootPending?: {
    pending: boolean;
    /** Why, in the reporter's words ("Component Based Servicing: RebootPending"). */
    reason?: string;
    /** The check that said it (a script's name), when not the RMM itself. */
    check?: string;
  };
}

export interface PatchSeen extends EventBase {
  type: 'patch';
  device: DeviceRef;
  patchId: string;
  title?: string;
  severity?: Severity;
  category?: PatchCategory;
  status: PatchStatus;
  rebootRequired?: boolean;
  message?: string;
}

export interface RebootSeen extends EventBase {
  type: 'reboot';
  device: DeviceRef;
  message?: string;
}

/** Monitoring reported it; or a verification (the post-patch service check) found it. */
export type HealthOrigin = 'monitoring' | 'verification';

export interface HealthSeen extends EventBase {
  type: 'health';
  /** Default 'monitoring'. */
  origin?: HealthOrigin;
  /**
   * True when the source already reported this problem as over when it was read (e.g. a
   * first sync reading the last day): Switchboard records it but notes and tickets nothing.
   */
  history?: boolean;
  device: DeviceRef;
  kind: HealthKind;
  /** Service or check name, when the event is about one. */
  subject?: string;
  severity?: Severity;
  /** The monitoring tool's problem id, so notes can be written back onto it. */
  problemId?: string;
  /** The check that said it (a check script's name), when it is not the tool itself. */
  check?: string;
  message?: string;
  /**
   * Set when the tool's record names no device (an empty `device`): why, in words an admin can
   * act on (which labels were looked for). The alert is kept as unmatched, never correlated.
   */
  unmatchedReason?: string;
}

export interface TicketSeen extends EventBase {
  type: 'ticket';
  ticketId: string;
  device?: DeviceRef;
  summary: string;
  status: 'open' | 'closed';
  closedBy?: string;
  /** The Switchboard correlation key found in the ticket, when we created it. */
  correlationKey?: string;
}

export type CanonicalEvent =
  ClientSeen | DeviceSeen | PatchSeen | RebootSeen | HealthSeen | TicketSeen;

/** A service on a device, as the RMM reports it (post-patch verification). */
export interface ServiceState {
  name: string;
  displayName?: string;
  state: 'running' | 'stopped' | 'starting' | 'stopping' | 'paused' | 'unknown';
  startType?: 'auto' | 'manual' | 'disabled' | 'unknown';
}
