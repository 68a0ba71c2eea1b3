import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsOptional, IsUUID } from 'class-validator';

export class ClientRoutesDto {
  @ApiPropertyOptional({
    description: 'Monitoring instances whose problems get notes',
    type: [String],
  })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  alerts?: string[];

  @ApiPropertyOptional({
    description: 'Helpdesk instances where this client’s tickets go',
    type: [String],
  })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  tickets?: string[];

  @ApiPropertyOptional({
    description: 'RMM instances for verification and rollback',
    type: [String],
  })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  rmm?: string[];

  @ApiPropertyOptional({
    description:
      'Instances with the notify capability (pagers, chat channels, mailboxes) told when this client’s incidents open, recur, are being rolled back and resolve',
    type: [String],
  })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  paging?: string[];
}
