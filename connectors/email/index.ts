import type { ConnectorDefinition } from '../contract/connector';
import { EmailConnector } from './email.connector';
import { EmailSettings } from './email.settings';

export const emailConnector: ConnectorDefinition<EmailSettings> = {
  kind: 'email',
  displayName: 'E-mail (SMTP)',
  capabilities: ['notify'],
  settings: EmailSettings,
  create: (ctx) => new EmailConnector(ctx),
};
