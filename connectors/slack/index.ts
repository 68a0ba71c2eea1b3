import type { ConnectorDefinition } from '../contract/connector';
import { SlackConnector } from './slack.connector';
import { SlackSettings } from './slack.settings';

export const slackConnector: ConnectorDefinition<SlackSettings> = {
  kind: 'slack',
  displayName: 'Slack (incoming webhook)',
  capabilities: ['notify'],
  settings: SlackSettings,
  create: (ctx) => new SlackConnector(ctx),
};
