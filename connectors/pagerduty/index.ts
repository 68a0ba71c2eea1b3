import type { ConnectorDefinition } from '../contract/connector';
import { PagerDutyConnector } from './pagerduty.connector';
import { PagerDutySettings } from './pagerduty.settings';

export const pagerdutyConnector: ConnectorDefinition<PagerDutySettings> = {
  kind: 'pagerduty',
  displayName: 'PagerDuty (Events API v2)',
  capabilities: ['notify'],
  settings: PagerDutySettings,
  create: (ctx) => new PagerDutyConnector(ctx),
};
