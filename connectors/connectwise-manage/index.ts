import type { ConnectorDefinition } from '../contract/connector';
import { ConnectWiseManageConnector } from './connectwise-manage.connector';
import { ConnectWiseManageSettings } from './connectwise-manage.settings';

export const connectwiseManageConnector: ConnectorDefinition<ConnectWiseManageSettings> = {
  kind: 'connectwise-manage',
  displayName: 'ConnectWise PSA (Manage)',
  capabilities: ['devices', 'tickets.read', 'tickets.write', 'webhooks'],
  settings: ConnectWiseManageSettings,
  defaultPollSeconds: 300,
  create: (ctx) => new ConnectWiseManageConnector(ctx),
};
