import { ApiProperty } from '@nestjs/swagger';

/** A raw record as received or fetched, and where its normalization stands. */
export class InboxEventDto {
  @ApiProperty({ example: '5120', description: 'Increasing id (a bigint, as a string)' })
  id!: string;
  @ApiProperty({ format: 'uuid' }) instanceId!: string;
  @ApiProperty({ description: 'The same key twice is stored once' }) dedupeKey!: string;
  @ApiProperty({ example: 'problem' }) recordType!: string;
  @ApiProperty({ enum: ['webhook', 'poll'] }) source!: string;
  @ApiProperty({ description: "The vendor's record exactly as received (any JSON value)" })
  payload!: unknown;
  @ApiProperty({ enum: ['pending', 'processed', 'failed'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, nullable: true, description: 'Why normalization failed' })
  error!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  processedAt!: string | null;
}

export class InboxListDto {
  @ApiProperty({ type: [InboxEventDto], description: 'Newest first' }) items!: InboxEventDto[];
}
