import { ApiProperty } from '@nestjs/swagger';

/** One audited change: who did what to which target. */
export class AuditEntryDto {
  @ApiProperty({ example: '1042', description: 'Increasing id (a bigint, as a string)' })
  id!: string;
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
  @ApiProperty({ example: 'rmm-script', description: "The token's name, or 'system'" })
  actor!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actorTokenId!: string | null;
  @ApiProperty({ example: 'connector.create' }) action!: string;
  @ApiProperty({ example: 'connector' }) targetType!: string;
  @ApiProperty({ type: String, nullable: true }) targetId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What changed' })
  detail!: Record<string, unknown>;
}

export class AuditListDto {
  @ApiProperty({ type: [AuditEntryDto], description: 'Newest first' })
  items!: AuditEntryDto[];
}
