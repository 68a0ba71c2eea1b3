import type { ConnectorDefinition } from '../contract/connector';
import { TeamsConnector } from './teams.connector';
import { TeamsSettings } from './teams.settings';

export const teamsConnector: ConnectorDefinition<TeamsSettings> = {
  kind: 'teams',
  displayName: 'Microsoft Teams (Workflows webhook)',
  capabilities: ['notify'],
  settings: TeamsSettings,
  create: (ctx) => new TeamsConnector(ctx),
};
