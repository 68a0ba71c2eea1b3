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
] as const;

export type GenericKind = (typeof GENERIC_KINDS)[number];

export interface GenericEvent {
  eventId?: string;
  kind: GenericKind;
  occurredAt: string;
  client?: string;
  device: { hostname?: string; fqdn?: string; ip?: string; serial?: string; id?: string };
  patch?: { id: string; title?: string; severity?: string; rebootRequired?: boolean };
  service?: { name: string };
  check?: { name: string };
  message?: string;
}
