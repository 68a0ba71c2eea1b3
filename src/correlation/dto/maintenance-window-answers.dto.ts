import { ApiProperty } from '@nestjs/swagger';

/** A period in which a client's or a device's incidents page nobody (they are still recorded). */
export class MaintenanceWindowDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) clientId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) deviceId!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) startsAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) endsAt!: string;
  @ApiProperty({ description: 'Empty when none was given' }) reason!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
}

export class MaintenanceWindowListDto {
  @ApiProperty({ type: [MaintenanceWindowDto], description: 'Latest start first, at most 500' })
  items!: MaintenanceWindowDto[];
}
