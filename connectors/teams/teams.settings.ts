import { IsIn, IsUrl } from 'class-validator';
import { Describe, Secret } from '../contract/settings';
import { PAGING_SEVERITIES, type PagingSeverity } from '../shared/notify';

export const TEAMS_FORMATS = ['adaptive', 'messagecard'] as const;
export type TeamsFormat = (typeof TEAMS_FORMATS)[number];

export class TeamsSettings {
  @Describe(
    'Webhook URL of a Teams Workflows flow ("Send webhook alerts to a channel"; https://…environment.api.powerplatform.com/… or …logic.azure.com/…), or of a legacy Incoming Webhook connector (…webhook.office.com/…). The signature in it is the credential.',
  )
  @Secret()
  @IsUrl(
    { protocols: ['https'], require_protocol: true, disallow_auth: true },
    { message: 'webhookUrl must be the https:// webhook URL copied from Teams' },
  )
  webhookUrl!: string;

  @Describe(
    'Card format: adaptive (an Adaptive Card in a message attachment; Workflows and legacy webhooks) or messagecard (the legacy Office 365 connector card).',
  )
  @IsIn(TEAMS_FORMATS)
  format: TeamsFormat = 'adaptive';

  @Describe(
    'Least severe message that is posted: critical, error, warning or info. Below it nothing is sent (nor its follow-ups).',
  )
  @IsIn(PAGING_SEVERITIES)
  minSeverity: PagingSeverity = 'warning';
}
