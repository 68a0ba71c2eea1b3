import type { ConnectorDefinition } from '../contract/connector';
import { RequestTrackerConnector } from './request-tracker.connector';
import { RequestTrackerSettings } from './request-tracker.settings';

export const requestTrackerConnector: ConnectorDefinition<RequestTrackerSettings> = {
  kind: 'request-tracker',
  displayName: 'Request Tracker 5',
  capabilities: ['tickets.read', 'tickets.write'],
  settings: RequestTrackerSettings,
  defaultPollSeconds: 120,
  create: (ctx) => new RequestTrackerConnector(ctx),
};
