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
}
