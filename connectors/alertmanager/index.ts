import type { ConnectorDefinition } from '../contract/connector';
import { AlertmanagerConnector } from './alertmanager.connector';
import { AlertmanagerSettings } from './alertmanager.settings';

export const alertmanagerConnector: ConnectorDefinition<AlertmanagerSettings> = {
  kind: 'alertmanager',
  displayName: 'Prometheus Alertmanager (0.25 and later, API v2)',
  capabilities: ['health', 'webhooks', 'alerts.silence'],
  settings: AlertmanagerSettings,
  // The poll catches resolutions Alertmanager never sent; the webhook brings news at once.
  defaultPollSeconds: 60,
  create: (ctx) => new AlertmanagerConnector(ctx),
};
