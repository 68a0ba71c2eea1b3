import {
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

const GUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

export class ConnectWiseAutomateSettings {
  @Describe(
    'Automate server, https://… without a path, e.g. https://acme.hostedrmm.com or your on-premise host.',
  )
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false })
  @Matches(/^https:\/\/[^/?#]+\/?$/, { message: 'server must be https://host[:port], no path' })
  server!: string;

  @Describe(
    'ClientId (GUID) of the integration, registered at developer.connectwise.com; sent on every call.',
  )
  @IsString()
  @Matches(GUID, { message: 'clientId must be a GUID' })
  clientId!: string;

  @Describe('Automate integrator login (or a user) the API acts as.')
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  username!: string;

  @Describe('Password of that login.')
  @Secret()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  password!: string;

  @Describe(
    'Two-factor passcode, only for a user account that requires one. A one-time code works for one login: prefer an integrator login, which needs none.',
  )
  @Secret()
  @IsOptional()
  @IsString()
  @Matches(/^[0-9 ]{4,12}$/, { message: 'twoFactorPasscode must be digits' })
  twoFactorPasscode?: string;

  @Describe(
    'Id of the Automate script that removes a KB (scripts/windows/Remove-Patch.ps1 wrapped as an Automate script, see the connector README). Enables rollback.',
  )
  @IsOptional()
  @IsInt()
  @Min(1)
  rollbackScriptId?: number;

  @Describe(
    'Parameters of the rollback script, Automate style name=value pairs joined with |; {kb} becomes the KB digits.',
  )
  @IsString()
  @Matches(/\{kb\}/, { message: 'must contain the {kb} placeholder' })
  @Matches(/^[A-Za-z0-9_]+=[^|]*(\|[A-Za-z0-9_]+=[^|]*)*$/, {
    message: 'must be name=value pairs joined with |',
  })
  @MaxLength(500)
  rollbackParameters: string = 'KB={kb}';

  @Describe(
    'Minutes between two sweeps of every Windows computer for missing and failed updates (one request per computer); 0 sweeps every poll.',
  )
  @IsInt()
  @Min(0)
  @Max(1440)
  missingPatchSweepMinutes: number = 60;

  @Describe('Rows per request (1–1000).')
  @IsInt()
  @Min(1)
  @Max(1000)
  pageSize: number = 250;
}

/** https://host[:port] without a trailing slash; every path starts with /cwa/api/. */
export function serverBase(settings: ConnectWiseAutomateSettings): string {
  return settings.server.replace(/\/+$/, '');
}
