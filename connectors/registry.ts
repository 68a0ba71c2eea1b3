import type { ConnectorDefinition } from './contract/connector';
import { alertmanagerConnector } from './alertmanager';
import { connectwiseAutomateConnector } from './connectwise-automate';
import { connectwiseManageConnector } from './connectwise-manage';
import { emailConnector } from './email';
import { genericConnector } from './generic';
import { ninjaoneConnector } from './ninjaone';
import { pagerdutyConnector } from './pagerduty';
import { requestTrackerConnector } from './request-tracker';
import { slackConnector } from './slack';
import { solarwindsConnector } from './solarwinds';
import { teamsConnector } from './teams';
import { zabbixConnector } from './zabbix';

/** The one explicit list of connectors. Adding a vendor: one folder, one line here. */
export const CONNECTOR_DEFINITIONS: readonly ConnectorDefinition<object>[] = [
  genericConnector as ConnectorDefinition<object>,
  ninjaoneConnector as ConnectorDefinition<object>,
  connectwiseAutomateConnector as ConnectorDefinition<object>,
  connectwiseManageConnector as ConnectorDefinition<object>,
  zabbixConnector as ConnectorDefinition<object>,
  alertmanagerConnector as ConnectorDefinition<object>,
  solarwindsConnector as ConnectorDefinition<object>,
  pagerdutyConnector as ConnectorDefinition<object>,
  slackConnector as ConnectorDefinition<object>,
  teamsConnector as ConnectorDefinition<object>,
  emailConnector as ConnectorDefinition<object>,
  requestTrackerConnector as ConnectorDefinition<object>,
];
