import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';

export class CreateConnectorDto {
  @ApiProperty({ example: 'generic', description: 'A kind from GET /api/v1/connector-kinds' })
  @IsString()
  kind!: string;

  @ApiProperty({ example: 'Acme scripts' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({
    description: 'Kind-specific settings; secret fields are write-only',
    type: Object,
  })
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown>;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ description: 'Seconds between polls (kinds that pull)', minimum: 5 })
  @IsOptional()
  @IsInt()
  @Min(5)
  @Max(86400)
  pollIntervalSeconds?: number;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: 10_000_000,
    example: 5000,
    description:
      'Our budget of calls to this tool per rolling hour, shared by every replica (a share of a vendor limit that other integrations also use). Calls over it wait, nothing is dropped. null (the default): no budget',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  requestsPerHour?: number | null;
}
