import { ApiProperty } from '@nestjs/swagger';

export class ReadinessReasonDto {
  @ApiProperty({
    enum: [
      'pending-reboot',
      'offline',
      'service-down',
      'open-incident',
      'failed-patch',
      'blocked-patch',
      'paused-wave',
      'rollback-under-way',
    ],
  })
  code!: string;
  @ApiProperty({ description: 'What is wrong and what to do, in words' }) detail!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) since!: string | null;
}

/** Is this device safe to patch now: ready, or every reason it is not. */
export class DeviceReadinessDto {
  @ApiProperty({ format: 'uuid' }) deviceId!: string;
  @ApiProperty({ example: 'SERVER-01', description: "The device's name" }) device!: string;
  @ApiProperty() ready!: boolean;
  @ApiProperty({ type: [ReadinessReasonDto], description: 'Empty when ready' })
  reasons!: ReadinessReasonDto[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastBootAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) checkedAt!: string;
}

export class ReadinessSummaryDto {
  @ApiProperty() devices!: number;
  @ApiProperty() ready!: number;
  @ApiProperty() notReady!: number;
}

export class ClientReadinessDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ example: 'Acme Dental', description: "The client's name" }) client!: string;
  @ApiProperty({ description: 'Every device is ready' }) ready!: boolean;
  @ApiProperty({ type: ReadinessSummaryDto }) summary!: ReadinessSummaryDto;
  @ApiProperty({ type: [DeviceReadinessDto], description: 'By device name' })
  devices!: DeviceReadinessDto[];
  @ApiProperty({ type: String, format: 'date-time' }) checkedAt!: string;
}
