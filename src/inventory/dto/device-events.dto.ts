import { ApiProperty } from '@nestjs/swagger';
import { HEALTH_KINDS } from '../../../connectors/contract/canonical';

/** A patch state change on a device, or a reboot (status rebooted, no patch id). */
export class PatchEventDto {
  @ApiProperty({ example: '7781', description: 'A bigint, as a string' }) id!: string;
  @ApiProperty({ format: 'uuid' }) deviceId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) clientId!: string | null;
  @ApiProperty({ format: 'uuid' }) instanceId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The inbox record it came from' })
  inboxId!: string | null;
  @ApiProperty({ type: String, nullable: true }) sourceId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'KB5034441' }) patchId!: string | null;
  @ApiProperty({ type: String, nullable: true }) title!: string | null;
  @ApiProperty({ type: String, nullable: true }) severity!: string | null;
  @ApiProperty({ type: String, nullable: true }) category!: string | null;
  @ApiProperty({
    enum: ['pending', 'approved', 'installed', 'failed', 'rolled_back', 'rebooted'],
  })
  status!: string;
  @ApiProperty({ type: Boolean, nullable: true }) rebootRequired!: boolean | null;
  @ApiProperty({ type: String, nullable: true }) message!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) recordedAt!: string;
}

/** A health report on a device: down or up, a service, a check. */
export class HealthEventDto {
  @ApiProperty({ example: '88120', description: 'A bigint, as a string' }) id!: string;
  @ApiProperty({ format: 'uuid' }) deviceId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) clientId!: string | null;
  @ApiProperty({ format: 'uuid' }) instanceId!: string;
  @ApiProperty({ type: String, nullable: true }) inboxId!: string | null;
  @ApiProperty({ type: String, nullable: true }) sourceId!: string | null;
  @ApiProperty({ enum: HEALTH_KINDS }) kind!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Service or check name' })
  subject!: string | null;
  @ApiProperty({ type: String, nullable: true }) severity!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The monitoring tool's problem id" })
  problemId!: string | null;
  @ApiProperty({ type: String, nullable: true }) message!: string | null;
  @ApiProperty({ enum: ['monitoring', 'verification'] }) origin!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The check script that said it' })
  check!: string | null;
  @ApiProperty({ description: 'Already over when it was read (a first sync): never news' })
  history!: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) recordedAt!: string;
}
