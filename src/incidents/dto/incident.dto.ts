import { ApiProperty } from '@nestjs/swagger';
import { IncidentDetailsDto } from './incident-details.dto';

/** An incident as listed, resolved or updated. */
export class IncidentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Stable correlation key, written into tickets' }) key!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Its patch wave' })
  parentId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) clientId!: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'null for a patch wave',
  })
  deviceId!: string | null;
  @ApiProperty({ enum: ['open', 'mitigating', 'resolved'] }) state!: string;
  @ApiProperty({
    example: 'post-patch-reboot',
    description: 'post-patch-reboot, post-patch, post-reboot, unknown, patch-wave',
  })
  cause!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ example: 0.9, description: '0 to 1' }) confidence!: number;
  @ApiProperty({ type: IncidentDetailsDto }) details!: IncidentDetailsDto;
  @ApiProperty({ type: String, format: 'date-time' }) openedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolvedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ description: 'Outbound paging suppressed (maintenance window)' })
  suppressed!: boolean;
}

export class IncidentListDto {
  @ApiProperty({ type: [IncidentDto], description: 'Newest first' }) items!: IncidentDto[];
  @ApiProperty({ description: 'Incidents the filter selects, over every page' }) total!: number;
}
