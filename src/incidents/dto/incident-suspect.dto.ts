import { ApiProperty } from '@nestjs/swagger';

/** A change suspected of causing an incident, with why; a technician confirms or rejects it. */
export class IncidentSuspectDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty({ example: '7781', description: 'The patch event (a bigint, as a string)' })
  patchEventId!: string;
  @ApiProperty({ enum: ['patch', 'reboot'] }) kind!: string;
  @ApiProperty({ type: String, nullable: true, example: 'KB5034441' }) patchId!: string | null;
  @ApiProperty({ type: String, nullable: true }) title!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ description: '1 is the most likely' }) rank!: number;
  @ApiProperty() score!: number;
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty({ enum: ['suspected', 'confirmed', 'rejected'] }) status!: string;
  @ApiProperty({ type: String, nullable: true }) decidedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt!: string | null;
}
