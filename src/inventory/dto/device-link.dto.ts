import { ApiProperty } from '@nestjs/swagger';

/** One tool's record of a device, and how it was matched to the device. */
export class DeviceLinkDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) deviceId!: string;
  @ApiProperty({ format: 'uuid' }) instanceId!: string;
  @ApiProperty({ description: "The tool's id, or a derived key when the tool gives none" })
  externalKey!: string;
  @ApiProperty({ type: String, nullable: true }) externalId!: string | null;
  @ApiProperty({ type: String, nullable: true }) hostname!: string | null;
  @ApiProperty({ type: String, nullable: true }) fqdn!: string | null;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) serial!: string | null;
  @ApiProperty({ enum: ['new', 'external-id', 'serial', 'fqdn', 'hostname', 'ip', 'manual'] })
  matchedBy!: string;
  @ApiProperty({ type: String, format: 'date-time' }) firstSeenAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) lastSeenAt!: string;
}
