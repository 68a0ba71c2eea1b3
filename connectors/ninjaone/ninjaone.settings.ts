import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { Describe, Secret } from '../contract/settings';

/** One host per region serves the API, the OAuth endpoints and the console. */
export const NINJAONE_REGION_HOSTS = {
  us: 'https://app.ninjarmm.com',
  us2: 'https://us2.ninjarmm.com',
  eu: 'https://eu.ninjarmm.com',
  ca: 'https://ca.ninjarmm.com',
  oc: 'https://oc.ninjarmm.com',
} as const;

export type NinjaOneRegion = keyof typeof NINJAONE_REGION_HOSTS;

// offline_access is deliberately absent: the EU host rejects it on client-credentials requests.
const SCOPE_LIST = /^(monitoring|management|control)( (monitoring|management|control))*$/;
const RUN_AS =
  /^(system|loggedonuser|SR_LOCAL_ADMINISTRATOR|SR_DOMAIN_ADMINISTRATOR|SR_MAC_SCRIPT|SR_LINUX_SCRIPT|\d+)$/;
const HTTP_HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

export class NinjaOneSettings {
  @Describe('NinjaOne region: us (app.ninjarmm.com), us2, eu, ca or oc.')
  @IsIn(Object.keys(NINJAONE_REGION_HOSTS))
  region: NinjaOneRegion = 'us';

  @Describe('Custom tenant host (https://…); overrides the region when set.')
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false })
  baseUrl?: string;

  @Describe('Client ID of the NinjaOne API client app.')
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  clientId!: string;

  @Describe('Client secret of the NinjaOne API client app.')
  @Secret()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  clientSecret!: string;

  @Describe(
    'Scopes asked for with the client-credentials grant, space-separated; only scopes ticked on the app.',
  )
  @IsString()
  @Matches(SCOPE_LIST, {
    message: 'must be monitoring, management and/or control, space-separated',
  })
  scope: string = 'monitoring';

  @Describe(
    'Refresh token from an authorization-code login (offline_access); needed to run rollback scripts.',
  )
  @Secret()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  refreshToken?: string;

  @Describe(
    'ID of the NinjaOne library script that removes a KB: scripts/windows/Remove-Patch.ps1 from this repo, added under Administration > Library > Automation. Enables rollback.',
  )
  @IsOptional()
  @IsInt()
  @Min(1)
  rollbackScriptId?: number;

  @Describe(
    'Parameter string for the rollback script; {kb} becomes the KB digits (e.g. 5046616). Add -Reboot to restart the device after a removal that needs it.',
  )
  @IsString()
  @Matches(/\{kb\}/, { message: 'must contain the {kb} placeholder' })
  @MaxLength(500)
  rollbackParameters: string = '-KB {kb}';

  @Describe('Who runs the rollback script: system, loggedonuser, SR_* or a credential id.')
  @IsString()
  @Matches(RUN_AS, { message: 'must be system, loggedonuser, an SR_* role or a credential id' })
  rollbackRunAs: string = 'system';

  @Describe(
    'Header NinjaOne is told to add to webhook deliveries; its value is the webhook secret.',
  )
  @IsString()
  @Matches(HTTP_HEADER_NAME, { message: 'must be a valid HTTP header name' })
  @MaxLength(100)
  webhookHeaderName: string = 'X-Switchboard-Token';

  @Describe('Items per request (1–1000; activities allow at most 1000).')
  @IsInt()
  @Min(1)
  @Max(1000)
  pageSize: number = 200;
}

export function apiBase(settings: NinjaOneSettings): string {
  return (settings.baseUrl ?? NINJAONE_REGION_HOSTS[settings.region]).replace(/\/+$/, '');
}
