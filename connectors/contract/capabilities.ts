/** What a connector can do. Declared by each connector, never inferred from its methods. */
export const CAPABILITIES = [
  'devices',
  'patches',
  'health',
  'services',
  'tickets.read',
  'tickets.write',
  'alerts.note',
  'alerts.silence',
  'rollback',
  'webhooks',
  'notify',
] as const;

export type Capability = (typeof CAPABILITIES)[number];

/** The method each capability obliges a connector to implement. */
export const CAPABILITY_METHODS: Record<Capability, readonly string[]> = {
  devices: ['pullDevices'],
  patches: ['pullPatches'],
  health: ['pullHealth'],
  services: ['getServices'],
  'tickets.read': ['pullTickets'],
  'tickets.write': ['upsertTicket', 'noteTicket', 'closeTicket', 'reopenTicket'],
  'alerts.note': ['pushAlertNote'],
  'alerts.silence': ['silenceDevice', 'expireSilence'],
  rollback: ['runRollback', 'rollbackResult'],
  webhooks: ['handleWebhook'],
  notify: ['notify'],
};

export const PULL_STREAMS = ['devices', 'patches', 'health', 'tickets'] as const;
export type PullStream = (typeof PULL_STREAMS)[number];

export const STREAM_CAPABILITY: Record<PullStream, Capability> = {
  devices: 'devices',
  patches: 'patches',
  health: 'health',
  tickets: 'tickets.read',
};
