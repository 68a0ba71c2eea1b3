import type { ConnectorDefinition } from '../contract/connector';
import { GenericConnector } from './generic.connector';
import { GenericSettings } from './generic.settings';

export const genericConnector: ConnectorDefinition<GenericSettings> = {
  kind: 'generic',
  displayName: 'Generic events (scripts and unsupported tools)',
  capabilities: ['webhooks'],
  settings: GenericSettings,
  create: (ctx) => new GenericConnector(ctx),
};
