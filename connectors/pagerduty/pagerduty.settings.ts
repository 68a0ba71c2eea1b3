import { IsIn, IsOptional, IsUrl, Matches } from 'class-validator';
import { Describe, Secret } from '../contract/settings';
import { PAGING_SEVERITIES, type PagingSeverity } from '../shared/notify';

export class PagerDutySettings {
  @Describe(
    'Integration Key of an "Events API V2" integration on the PagerDuty service (32 letters and digits; sent as routing_key).',
  )
  @Secret()
  @Matches(/^[A-Za-z0-9]{32}$/, {
    message: 'routingKey must be the 32-character Integration Key of an Events API V2 integration',
  })
  routingKey!: string;

  @Describe(
    'Events API host: https://events.pagerduty.com (default) or https://events.eu.pagerduty.com for an account in the EU service region.',
  )
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false, disallow_auth: true })
  baseUrl?: string;

  @Describe(
    'Least severe message that pages: critical, error, warning or info. Below it nothing is sent (nor its acknowledge or resolve).',
  )
  @IsIn(PAGING_SEVERITIES)
  minSeverity: PagingSeverity = 'warning';
}
