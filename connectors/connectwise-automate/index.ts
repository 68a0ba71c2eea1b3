import type { ConnectorDefinition } from '../contract/connector';
import { ConnectWiseAutomateConnector } from './connectwise-automate.connector';
import { ConnectWiseAutomateSettings } from './connectwise-automate.settings';

export const connectwiseAutomateConnector: ConnectorDefinition<ConnectWiseAutomateSettings> = {
  kind: 'connectwise-automate',
  displayName: 'ConnectWise Automate',
  capabilities: ['devices', 'patches', 'services', 'rollback'],
  settings: ConnectWiseAutomateSettings,
  defaultPollSeconds: 300,
  create: (ctx) => new ConnectWiseAutomateConnector(ctx),
};
