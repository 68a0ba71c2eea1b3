import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class MoveLinkDto {
  @ApiProperty({ description: 'The device this tool record really is' })
  @IsUUID()
  deviceId!: string;
}
