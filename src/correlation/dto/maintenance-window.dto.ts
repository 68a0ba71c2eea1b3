import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export class CreateMaintenanceWindowDto {
  @ApiPropertyOptional({ description: 'The whole client (or give deviceId)' })
  @IsOptional()
  @IsUUID()
  clientId?: string;

  @ApiPropertyOptional({ description: 'One device' })
  @IsOptional()
  @IsUUID()
  deviceId?: string;

  @ApiProperty({ example: '2026-11-28T22:00:00Z' })
  @IsDateString({ strict: true })
  startsAt!: string;

  @ApiProperty({ example: '2026-11-29T04:00:00Z' })
  @IsDateString({ strict: true })
  endsAt!: string;

  @ApiPropertyOptional({ example: 'SAN firmware upgrade' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
