import type { ConnectorDefinition } from '../contract/connector';
import { SolarWindsConnector } from './solarwinds.connector';
import { SolarWindsSettings } from './solarwinds.settings';

export const solarwindsConnector: ConnectorDefinition<SolarWindsSettings> = {
  kind: 'solarwinds',
  displayName: 'SolarWinds Orion / SolarWinds Platform (SWIS REST)',
  capabilities: ['devices', 'health', 'services', 'alerts.note', 'webhooks'],
  settings: SolarWindsSettings,
  defaultPollSeconds: 60,
  create: (ctx) => new SolarWindsConnector(ctx),
};
