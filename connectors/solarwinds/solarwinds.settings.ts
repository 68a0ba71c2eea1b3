import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { isIP } from 'node:net';
import { Describe, Secret } from '../contract/settings';

@ValidatorConstraint({ name: 'host' })
class IsHost implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || value.length > 253) return false;
    // A bare host name ("orion01"), an FQDN or an IP: never a URL, so no scheme or path.
    return (
      isIP(value) !== 0 || /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9-]{1,63})*$/.test(value)
    );
  }
  defaultMessage(): string {
    return 'host must be a host name or an IP address, without scheme, port or path';
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

export const CLIENT_SOURCES = ['customProperty', 'group', 'none'] as const;
export type ClientSource = (typeof CLIENT_SOURCES)[number];

export class SolarWindsSettings {
  @Describe('Orion server host name or IP (the SWIS REST endpoint runs on it).')
  @Validate(IsHost)
  host!: string;

  @Describe(
    'SWIS REST port: 17774 from Orion Platform 2023.1, 17778 on older (deprecated) servers.',
  )
  @IsInt()
  @Min(1)
  @Max(65535)
  port = 17774;

  @Describe('Orion account (local, or DOMAIN\\user); HTTP Basic on every request.')
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  username!: string;

  @Describe('Password of the Orion account.')
  @Secret()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  password!: string;

  @Describe(
    'Accept the self-signed certificate SWIS ships with (skips certificate verification for this instance only). Prefer caCertificate.',
  )
  @IsBoolean()
  allowSelfSignedCertificate = false;

  @Describe(
    'PEM of the certificate (or its CA) the SWIS endpoint presents; trusted for this instance only.',
  )
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  @Matches(/-----BEGIN CERTIFICATE-----/, { message: 'caCertificate must be a PEM certificate' })
  caCertificate?: string;

  @Describe(
    'Where a node\'s client comes from: a node custom property ("customProperty"), the Orion groups it belongs to ("group"), or nowhere ("none").',
  )
  @IsIn(CLIENT_SOURCES)
  clientSource: ClientSource = 'customProperty';

  @Describe(
    'Name of the node custom property holding the client name (read as n.CustomProperties.<name>).',
  )
  @ValidateIf((s: SolarWindsSettings) => s.clientSource === 'customProperty')
  // Interpolated into SWQL as an identifier (properties cannot be parameters): letters, digits, _.
  @Matches(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/, {
    message: 'clientProperty must be a custom property name (letters, digits and _)',
  })
  clientProperty = 'Client';

  @Describe(
    'With clientSource "group": a regular expression an Orion group name must match to be a client; the named group "client" (else group 1, else the whole match) is the client name. Unset: every group of the node is a candidate, the first by ContainerID wins.',
  )
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Validate(IsRegex)
  clientGroupPattern?: string;

  @Describe(
    'SWQL LIKE pattern on the component monitor type name (Orion.APM.ComponentDefinition.Name) that marks Windows service monitors.',
  )
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  serviceMonitorPattern = '%Windows Service%';

  @Describe('Also acknowledge the alert (Orion.AlertActive.Acknowledge) when writing a note.')
  @IsBoolean()
  acknowledgeOnNote = false;

  @Describe('Rows per SWQL query when pulling (WITH ROWS 1 TO pageSize).')
  @IsInt()
  @Min(1)
  @Max(5000)
  pageSize = 500;
}
