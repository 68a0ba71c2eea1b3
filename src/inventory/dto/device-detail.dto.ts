import { ApiProperty } from '@nestjs/swagger';
import { ClientDto } from './client.dto';
import { DeviceLinkDto } from './device-link.dto';
import { DeviceDto } from './device.dto';
import { HealthEventDto, PatchEventDto } from './device-events.dto';

/** GET /api/v1/devices/:id: the device, its client, each tool's record and its recent events. */
export class DeviceDetailDto extends DeviceDto {
  @ApiProperty({ type: ClientDto, nullable: true }) client!: ClientDto | null;
  @ApiProperty({ type: [DeviceLinkDto], description: 'First seen first' }) links!: DeviceLinkDto[];
  @ApiProperty({ type: [PatchEventDto], description: 'The latest 50, newest first' })
  recentPatches!: PatchEventDto[];
  @ApiProperty({ type: [HealthEventDto], description: 'The latest 50, newest first' })
  recentHealth!: HealthEventDto[];
}
