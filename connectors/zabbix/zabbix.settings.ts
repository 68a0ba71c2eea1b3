import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { Describe, Secret } from '../contract/settings';

/** Groups a stock Zabbix 6.0 database ships with: they hold no customer's hosts. */
export const DEFAULT_IGNORED_GROUPS = [
  'Templates',
  'Templates/*',
  'Discovered hosts',
  'Linux servers',
  'Zabbix servers',
  'Virtual machines',
  'Hypervisors',
];

@ValidatorConstraint({ name: 'oneCredential' })
class OneCredential implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    const s = args.object as ZabbixSettings;
    return s.username === undefined && s.password === undefined;
  }
  defaultMessage(): string {
    return 'use either apiToken or username + password, not both';
  }
}

@ValidatorConstraint({ name: 'regex' })
class IsRegex implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    try {
      new RegExp(value);
      return true;
    } catch {
      return false;
    }
  }
  defaultMessage(): string {
    return 'must be a valid regular expression';
  }
}

@ValidatorConstraint({ name: 'stringMap' })
class IsStringMap implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return (
      value !== null &&
      typeof value === 'object' &&
      Object.values(value as object).every((v) => typeof v === 'string' && v.length <= 200)
    );
  }
  defaultMessage(): string {
    return 'must map host group names to client names (strings of at most 200 characters)';
  }
}

export class ZabbixSettings {
  @Describe(
    'Zabbix API URL: the full api_jsonrpc.php URL, or the frontend base (https://host/zabbix) to which /api_jsonrpc.php is appended.',
  )
  @IsUrl({
    protocols: ['http', 'https'],
    require_protocol: true,
    require_tld: false,
    // Credentials in the URL would end up in logs and error messages.
    disallow_auth: true,
  })
  url!: string;

  @Describe('API token (Zabbix 5.4+, 64 hex characters). Preferred over username + password.')
  @Secret()
  @ValidateIf((s: ZabbixSettings) => s.username === undefined || s.apiToken !== undefined)
  @Matches(/^[0-9a-f]{64}$/i, {
    message: 'apiToken must be the 64 hexadecimal characters Zabbix generates',
  })
  @Validate(OneCredential)
  apiToken?: string;

  @Describe('API user for session login (user.login), when no apiToken is set.')
  @ValidateIf((s: ZabbixSettings) => s.apiToken === undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  username?: string;

  @Describe('Password of the API user.')
  @Secret()
  @ValidateIf((s: ZabbixSettings) => s.username !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  password?: string;

  @Describe(
    'Explicit host group name → client name map; wins over every other rule. An empty client name ignores the group.',
  )
  @IsOptional()
  @IsObject()
  @Validate(IsStringMap)
  clientMap?: Record<string, string>;

  @Describe(
    'Host groups that are not clients (exact names; "*" is a wildcard, so "Templates/*" covers the template groups).',
  )
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  ignoreGroups: string[] = [...DEFAULT_IGNORED_GROUPS];

  @Describe(
    'Regular expression a host group must match to be a client; the named group "client" (or else the first group) is the client name. Unset: every group not ignored is a client under its own name.',
  )
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Validate(IsRegex)
  clientGroupPattern?: string;

  @Describe(
    'Tag names whose value names the service a trigger is about (matched case-insensitively). ' +
      'None by default: a tag such as "service: critical" often marks importance, not a service.',
  )
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  serviceTags: string[] = [];

  @Describe(
    'Also acknowledge the problem when writing a note (event.acknowledge action 6 instead of 4).',
  )
  @IsBoolean()
  acknowledgeOnNote = false;

  @Describe('Records per API call when pulling hosts and events.')
  @IsInt()
  @Min(1)
  @Max(10000)
  pageSize = 500;

  @Describe('How far back the first health pull (no cursor yet) reads events, in hours.')
  @IsInt()
  @Min(0)
  @Max(2160)
  initialLookbackHours = 24;
}
