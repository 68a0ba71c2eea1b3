import {
  IsBoolean,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
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
import { SEVERITIES } from '../contract/canonical';
import { Describe, Secret } from '../contract/settings';

/** Labels that name the machine in common exporters and rules, in the order they are tried. */
export const DEFAULT_DEVICE_LABELS = ['instance', 'host', 'hostname', 'nodename', 'node'];
/** Alert names that say the machine itself is gone (node_exporter / blackbox conventions). */
export const DEFAULT_DEVICE_DOWN_ALERTS = ['InstanceDown', 'HostDown', 'NodeDown'];

/** A Prometheus label name. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

@ValidatorConstraint({ name: 'oneCredential' })
class OneCredential implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    const s = args.object as AlertmanagerSettings;
    return s.username === undefined && s.password === undefined;
  }
  defaultMessage(): string {
    return 'use either bearerToken or username + password, not both';
  }
}

@ValidatorConstraint({ name: 'stringMap' })
class IsStringMap implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return (
      value !== null &&
      typeof value === 'object' &&
      Object.values(value as object).every(
        (v) => typeof v === 'string' && v.trim() !== '' && v.length <= 200,
      )
    );
  }
  defaultMessage(): string {
    return 'must map label values to client names (non-empty strings of at most 200 characters)';
  }
}

@ValidatorConstraint({ name: 'severityMap' })
class IsSeverityMap implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return (
      value !== null &&
      typeof value === 'object' &&
      Object.values(value as object).every((v) => (SEVERITIES as readonly unknown[]).includes(v))
    );
  }
  defaultMessage(): string {
    return `must map label values to one of ${SEVERITIES.join(', ')}`;
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

export class AlertmanagerSettings {
  @Describe(
    'Alertmanager base URL (https://alertmanager.example.net:9093, plus the --web.route-prefix path if one is set); /api/v2 is appended.',
  )
  @IsUrl({
    protocols: ['http', 'https'],
    require_protocol: true,
    require_tld: false,
    // Credentials in the URL would end up in logs and error messages.
    disallow_auth: true,
  })
  url!: string;

  @Describe(
    'Bearer token for the API, when a reverse proxy or --web.config.file asks for one. Unset with no username: no authentication.',
  )
  @Secret()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  @Validate(OneCredential)
  bearerToken?: string;

  @Describe('User for HTTP basic authentication of the API (--web.config.file basic_auth_users).')
  @ValidateIf((s: AlertmanagerSettings) => s.username !== undefined || s.password !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  username?: string;

  @Describe('Password of the basic-auth user.')
  @Secret()
  @ValidateIf((s: AlertmanagerSettings) => s.username !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password?: string;

  @Describe(
    'Alert labels that name the device, tried in order; the first one present wins. A port (":9100"), a URL scheme and path are stripped from the value.',
  )
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @Matches(LABEL_NAME, { each: true, message: 'each device label must be a label name' })
  deviceLabels: string[] = [...DEFAULT_DEVICE_LABELS];

  @Describe('Alert label that names the client (tenant). Alerts without it get no client.')
  @IsString()
  @Matches(LABEL_NAME, { message: 'clientLabel must be a label name' })
  clientLabel = 'client';

  @Describe(
    'Client label value → client name, for labels that carry a slug ("acme" → "Acme Dental"). Values not listed are used as the name.',
  )
  @IsOptional()
  @IsObject()
  @Validate(IsStringMap)
  clientMap?: Record<string, string>;

  @Describe(
    'Alert labels whose value names the service an alert is about (service.down / service.up), tried in order.',
  )
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(LABEL_NAME, { each: true, message: 'each service label must be a label name' })
  serviceLabels: string[] = ['service'];

  @Describe(
    'Alert names (alertname label, case-insensitive) that mean the device itself is down (device.down / device.up).',
  )
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  deviceDownAlerts: string[] = [...DEFAULT_DEVICE_DOWN_ALERTS];

  @Describe('Alert label holding the severity.')
  @IsString()
  @Matches(LABEL_NAME, { message: 'severityLabel must be a label name' })
  severityLabel = 'severity';

  @Describe(
    'Severity label value (case-insensitive) → Switchboard severity, over the built-in map (critical, page → critical; error, high, major → important; warning → moderate; minor, low → low; info, none → info).',
  )
  @IsOptional()
  @IsObject()
  @Validate(IsSeverityMap)
  severityMap?: Record<string, string>;

  @Describe(
    'Poll only alerts routed to receivers whose name matches this regular expression (GET /api/v2/alerts receiver=), e.g. the Switchboard receiver. Unset: every alert.',
  )
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Validate(IsRegex)
  receiver?: string;

  @Describe(
    'Matchers the poll passes as filter= (ANDed), in Alertmanager syntax: team="msp", env=~"prod|dr".',
  )
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  filters: string[] = [];

  @Describe(
    'Seconds an alert the poll saw firing must stay unlisted before the poll reports it resolved. Covers a restarted Alertmanager that Prometheus fills again within its resend delay (1 min); 0 resolves at the first poll that misses it.',
  )
  @IsInt()
  @Min(0)
  @Max(3600)
  missingGraceSeconds = 90;

  @Describe(
    "Silence the device's alerts while Switchboard rolls a patch back on it (POST /api/v2/silences, createdBy Switchboard, the incident link in the comment), and expire the silence when the rollback ends.",
  )
  @IsBoolean()
  silenceDuringRollback = false;
}
