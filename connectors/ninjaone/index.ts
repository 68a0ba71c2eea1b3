import type { ConnectorDefinition } from '../contract/connector';
import { NinjaOneConnector } from './ninjaone.connector';
import { NinjaOneSettings } from './ninjaone.settings';

export const ninjaoneConnector: ConnectorDefinition<NinjaOneSettings> = {
  kind: 'ninjaone',
  displayName: 'NinjaOne RMM',
  capabilities: ['devices', 'patches', 'health', 'services', 'rollback', 'webhooks'],
  settings: NinjaOneSettings,
  defaultPollSeconds: 300,
  create: (ctx) => new NinjaOneConnector(ctx),
};
