import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** POST /api/v1/connectors/:id/poll: whether a poll was scheduled. */
export class PollAnswerDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'false: the kind pulls nothing' }) polling!: boolean;
  @ApiPropertyOptional({ example: 'generic pulls nothing', description: 'When polling is false' })
  reason?: string;
}
