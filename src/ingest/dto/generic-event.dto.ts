import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PATCH_CATEGORIES, SEVERITIES } from '../../../connectors/contract/canonical';
import { GENERIC_KINDS, GENERIC_ORIGINS } from '../../../connectors/generic/generic.types';

/**
 * The generic connector's event (connectors/generic/generic.types.ts), for the API document:
 * what scripts and tools without a connector of their own post to /webhooks/:instanceId.
 */
export class GenericDeviceDto {
  @ApiPropertyOptional({ example: 'SERVER-01', maxLength: 255 }) hostname?: string;
  @ApiPropertyOptional({ example: 'server-01.acme.local', maxLength: 255 }) fqdn?: string;
  @ApiPropertyOptional({ example: '10.0.0.5', description: 'An IPv4 or IPv6 address' })
  ip?: string;
  @ApiPropertyOptional({ example: 'CZ1234', maxLength: 255 }) serial?: string;
  @ApiPropertyOptional({ description: "Your tool's device id", maxLength: 255 }) id?: string;
  @ApiPropertyOptional({
    example: 'Windows Server 2022',
    maxLength: 200,
    description: 'Not matched on: compliance counts a device whose OS names "server" as a server',
  })
  os?: string;
  @ApiPropertyOptional({ example: 'sql', maxLength: 100, description: 'Not matched on' })
  role?: string;
}

export class GenericPatchDto {
  @ApiProperty({ example: 'KB5034441', description: 'KB number or package' }) id!: string;
  @ApiPropertyOptional({ example: 'Windows Recovery Environment update', maxLength: 500 })
  title?: string;
  @ApiPropertyOptional({ enum: SEVERITIES }) severity?: string;
  @ApiPropertyOptional({ enum: PATCH_CATEGORIES }) category?: string;
  @ApiPropertyOptional() rebootRequired?: boolean;
}

export class GenericNamedDto {
  @ApiProperty({ example: 'MSSQLSERVER', maxLength: 255 }) name!: string;
}

export class GenericEventDto {
  @ApiPropertyOptional({
    example: 'rmm-4711',
    maxLength: 255,
    description:
      "Your id for the event: a repeat is stored once. Without it the body's hash deduplicates",
  })
  eventId?: string;

  @ApiProperty({ enum: GENERIC_KINDS, example: 'patch.installed' })
  kind!: string;

  @ApiProperty({
    format: 'date-time',
    example: '2026-11-24T02:00:00Z',
    description: 'With a zone; from 2000-01-01 up to a day ahead of Switchboard',
  })
  occurredAt!: string;

  @ApiPropertyOptional({
    example: 'Acme Dental',
    maxLength: 200,
    description: 'Client name; clients named the same across tools are one client',
  })
  client?: string;

  @ApiProperty({
    type: GenericDeviceDto,
    description: 'At least one of hostname, fqdn, ip, serial, id',
  })
  device!: GenericDeviceDto;

  @ApiPropertyOptional({
    type: GenericPatchDto,
    description: 'Required for patch.*; patch.pending says the patch is missing',
  })
  patch?: GenericPatchDto;

  @ApiPropertyOptional({ type: GenericNamedDto, description: 'Required for service.*' })
  service?: GenericNamedDto;

  @ApiPropertyOptional({
    type: GenericNamedDto,
    description: 'Required for check.*; beside a service, the script that looked at it',
  })
  check?: GenericNamedDto;

  @ApiPropertyOptional({
    enum: GENERIC_ORIGINS,
    default: 'monitoring',
    description: "verification: a check script's own finding, evidence on incidents",
  })
  origin?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'reboot.* only: when the device last booted (an older flag is stale)',
  })
  lastBootAt?: string;

  @ApiPropertyOptional({
    maxLength: 2000,
    description: 'Free text; for reboot.pending, the reasons',
  })
  message?: string;
}
