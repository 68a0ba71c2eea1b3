import type { ConnectorDefinition } from '../contract/connector';
import { ZabbixConnector } from './zabbix.connector';
import { ZabbixSettings } from './zabbix.settings';

export const zabbixConnector: ConnectorDefinition<ZabbixSettings> = {
  kind: 'zabbix',
  displayName: 'Zabbix (6.0 LTS and later)',
  capabilities: ['devices', 'health', 'alerts.note', 'webhooks'],
  settings: ZabbixSettings,
  defaultPollSeconds: 60,
  create: (ctx) => new ZabbixConnector(ctx),
};
