import { IsIn, Matches } from 'class-validator';
import { Describe, Secret } from '../contract/settings';
import { PAGING_SEVERITIES, type PagingSeverity } from '../shared/notify';

/** An app's incoming webhook (GovSlack's too); workflow trigger URLs take another payload. */
const INCOMING_WEBHOOK = /^https:\/\/hooks\.slack(-gov)?\.com\/services\/[A-Za-z0-9_/-]+$/;

export class SlackSettings {
  @Describe(
    'Incoming webhook URL of a Slack app (https://hooks.slack.com/services/T…/B…/…); it posts to the one channel chosen when it was created.',
  )
  @Secret()
  @Matches(INCOMING_WEBHOOK, {
    message: 'webhookUrl must be a Slack incoming webhook URL (https://hooks.slack.com/services/…)',
  })
  webhookUrl!: string;

  @Describe(
    'Least severe message that is posted: critical, error, warning or info. Below it nothing is sent (nor its follow-ups).',
  )
  @IsIn(PAGING_SEVERITIES)
  minSeverity: PagingSeverity = 'warning';
}
