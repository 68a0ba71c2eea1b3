import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The rule that opened the incident and the settings it used. */
export class IncidentRuleDto {
  @ApiProperty({ example: 'post-patch-outage' }) name!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) settings!: Record<string, unknown>;
}

/** What verification found: a service's state, or a check's result. */
export class VerificationFindingDto {
  @ApiProperty({ example: 'MSSQLSERVER' }) subject!: string;
  @ApiPropertyOptional({ enum: ['service', 'check'], description: 'Absent: a service' })
  what?: string;
  @ApiProperty({ enum: ['failed', 'ok'] }) result!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'The tool that reported it' }) source!: string;
  @ApiPropertyOptional({ description: 'The check script that said it, when not the tool itself' })
  by?: string;
}

/** A patch wave: the same patch hurting several devices. */
export class WaveDto {
  @ApiProperty({ example: 'KB5034441' }) patchId!: string;
  @ApiProperty() devices!: number;
  @ApiProperty() clients!: number;
  @ApiProperty() recommendation!: string;
}

export class ResolutionDto {
  @ApiProperty() by!: string;
  @ApiProperty() note!: string;
}

/** What an incident knows beyond its columns. */
export class IncidentDetailsDto {
  @ApiProperty({ type: [String], description: 'Services or checks failing now' })
  failed!: string[];
  @ApiProperty({ type: [String] }) recovered!: string[];
  @ApiProperty() deviceDown!: boolean;
  @ApiProperty({ type: [String] }) evidence!: string[];
  @ApiProperty({ type: IncidentRuleDto }) rule!: IncidentRuleDto;
  @ApiProperty({ type: [VerificationFindingDto] }) verification!: VerificationFindingDto[];
  @ApiPropertyOptional({ type: WaveDto, description: 'On a patch wave' }) wave?: WaveDto;
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'The earliest failure known, which may be before the incident opened',
  })
  outageSince?: string;
  @ApiPropertyOptional({ description: 'Why outbound paging was suppressed (maintenance window)' })
  suppressedReason?: string;
  @ApiPropertyOptional({ type: ResolutionDto }) resolution?: ResolutionDto;
}
