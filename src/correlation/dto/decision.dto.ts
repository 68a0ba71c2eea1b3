import { ApiProperty } from '@nestjs/swagger';
import { DECISION_OUTCOMES } from '../decision.entity';

/** What correlation decided about one health event, and why. */
export class DecisionDto {
  @ApiProperty({ example: '20417', description: 'A bigint, as a string' }) id!: string;
  @ApiProperty({ example: '88120', description: 'A bigint, as a string' }) healthEventId!: string;
  @ApiProperty({ format: 'uuid' }) deviceId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) clientId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) incidentId!: string | null;
  @ApiProperty({ example: 'service.down' }) kind!: string;
  @ApiProperty({ type: String, nullable: true, example: 'MSSQLSERVER' }) subject!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) decidedAt!: string;
  @ApiProperty({ enum: DECISION_OUTCOMES }) outcome!: string;
  @ApiProperty({ example: 'post-patch-outage' }) rule!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: [String] }) evidence!: string[];
}

export class DecisionListDto {
  @ApiProperty({ type: [DecisionDto], description: 'Newest first' }) items!: DecisionDto[];
  @ApiProperty({ description: 'Decisions the filter selects, over every page' }) total!: number;
}
