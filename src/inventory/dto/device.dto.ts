import { ApiProperty } from '@nestjs/swagger';

/** A device as Switchboard knows it, matched across every tool that reports it. */
export class DeviceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) clientId!: string | null;
  @ApiProperty({ example: 'SERVER-01' }) displayName!: string;
  @ApiProperty({ type: String, nullable: true, example: 'server-01' }) hostnameKey!: string | null;
  @ApiProperty({ type: String, nullable: true }) fqdnKey!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '10.0.0.5' }) ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) serialKey!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'sql' }) role!: string | null;
  @ApiProperty({ type: String, nullable: true }) os!: string | null;
  @ApiProperty({
    type: Boolean,
    nullable: true,
    description: 'As the RMM or monitoring last reported it; null until one did',
  })
  online!: boolean | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) onlineAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastBootAt!: string | null;
  @ApiProperty({
    type: Boolean,
    nullable: true,
    description: 'Counts only while no boot came after rebootPendingAt',
  })
  rebootPending!: boolean | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  rebootPendingAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) rebootPendingReason!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
}

export class DeviceListDto {
  @ApiProperty({ type: [DeviceDto], description: 'By name' }) items!: DeviceDto[];
  @ApiProperty({ description: 'Devices the filter selects, over every page' }) total!: number;
}
