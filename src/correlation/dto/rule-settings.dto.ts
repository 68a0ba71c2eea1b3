import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const STRING_LISTS = {
  type: 'object',
  additionalProperties: { type: 'array', items: { type: 'string' } },
} as const;

export class CriticalServicesDto {
  @ApiProperty({ type: [String], description: 'Critical on every device' }) default!: string[];
  @ApiProperty({
    ...STRING_LISTS,
    description: 'By device role',
    example: { sql: ['MSSQLSERVER', 'SQLSERVERAGENT'] },
  })
  byRole!: Record<string, string[]>;
  @ApiProperty({
    ...STRING_LISTS,
    description: 'By device hostname (lower case)',
    example: { 'server-01': ['Spooler'] },
  })
  byDevice!: Record<string, string[]>;
}

export class KnownIssueDto {
  @ApiProperty({ example: 'KB5034441' }) patchId!: string;
  @ApiProperty({ type: [String], description: 'The services it is known to break' })
  services!: string[];
  @ApiPropertyOptional() note?: string;
}

/** Correlation settings: the defaults, or a client's effective ones. */
export class RuleSettingsDto {
  @ApiProperty({
    example: 6,
    description: 'A patch or reboot this long before an outage is a suspect',
  })
  windowHours!: number;
  @ApiProperty({
    example: 15,
    description: 'How long a device may take to come back from its patch reboot',
  })
  rebootGraceMinutes!: number;
  @ApiProperty({
    example: 5,
    description: 'Critical services are checked this long after a post-patch reboot',
  })
  verificationDelayMinutes!: number;
  @ApiProperty({
    example: 24,
    description: 'The same patch hurting devices within this period is a wave …',
  })
  waveHours!: number;
  @ApiProperty({ example: 3, description: '… once it has hurt this many devices' })
  waveMinDevices!: number;
  @ApiProperty({
    example: 24,
    description: 'An outage this long after its incident resolved reopens it',
  })
  recurrenceHours!: number;
  @ApiProperty({ type: CriticalServicesDto }) criticalServices!: CriticalServicesDto;
  @ApiProperty({ type: [KnownIssueDto] }) knownIssues!: KnownIssueDto[];
}
