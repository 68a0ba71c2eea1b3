/** The generic connector's public event format (README: "Feeding Switchboard"). */
export const GENERIC_KINDS = [
  'patch.installed',
  'patch.failed',
  'patch.pending',
  'patch.rolled_back',
  'device.rebooted',
  'device.down',
  'device.up',
  'service.down',
  'service.up',
  'check.failed',
  'check.ok',
  'reboot.pending',
  'reboot.clear',
] as const;

export const GENERIC_ORIGINS = ['monitoring', 'verification'] as const;

export type GenericKind = (typeof GENERIC_KINDS)[number];

export interface GenericEvent {
  eventId?: string;
  kind: GenericKind;
  occurredAt: string;
  client?: string;
  device: {
    hostname?: string;
    fqdn?: string;
    ip?: string;
    serial?: string;
    id?: string;
    /** Not matching keys: what compliance reads (a role or OS naming "server" weighs more). */
    os?: string;
    role?: string;
  };
  patch?: {
    id: string;
    title?: string;
    severity?: string;
    category?: string;
    rebootRequired?: boolean;
  };
  service?: { name: string };
  /** The check that said it; with a service, the script that looked at the service. */
  check?: { name: string };
  /** 'verification': a check script's own finding, evidence on incidents. Default 'monitoring'. */
  origin?: (typeof GENERIC_ORIGINS)[number];
  /** reboot.* only: when the device last booted, so a flag older than the boot is stale. */
  lastBootAt?: string;
  message?: string;
}
