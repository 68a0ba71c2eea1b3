import { ApiPropertyOptional } from '@nestjs/swagger';
import { KnownIssueDto } from './rule-settings.dto';

const STRING_LISTS = {
  type: 'object',
  additionalProperties: { type: 'array', items: { type: 'string' } },
} as const;

export class CriticalServicesBodyDto {
  @ApiPropertyOptional({ type: [String] }) default?: string[];
  @ApiPropertyOptional({ ...STRING_LISTS, description: 'Merged over the default roles' })
  byRole?: Record<string, string[]>;
  @ApiPropertyOptional({ ...STRING_LISTS, description: 'By hostname (lower case)' })
  byDevice?: Record<string, string[]>;
}

/**
 * PUT /api/v1/rules/clients/:clientId: a partial override, stored as given; the fields left out
 * keep their defaults. An unknown field is a 400.
 */
export class RuleSettingsBodyDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 720 }) windowHours?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 720 }) rebootGraceMinutes?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 720 }) verificationDelayMinutes?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 720 }) waveHours?: number;
  @ApiPropertyOptional({ minimum: 2, maximum: 720 }) waveMinDevices?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 720 }) recurrenceHours?: number;
  @ApiPropertyOptional({ type: CriticalServicesBodyDto })
  criticalServices?: CriticalServicesBodyDto;
  @ApiPropertyOptional({ type: [KnownIssueDto], description: 'Replaces the list' })
  knownIssues?: KnownIssueDto[];
}
