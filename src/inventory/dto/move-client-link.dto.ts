import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class MoveClientLinkDto {
  @ApiProperty({
    description:
      'The client this tool record really is; its current client confirms the suggestion',
  })
  @IsUUID()
  clientId!: string;
}
