import { ApiProperty } from '@nestjs/swagger';

/** Which instances serve a client, per purpose. */
export class ClientRoutesAnswerDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ type: [String], description: 'Monitoring instances whose problems get notes' })
  alerts!: string[];
  @ApiProperty({ type: [String], description: 'Helpdesk instances for its tickets' })
  tickets!: string[];
  @ApiProperty({ type: [String], description: 'RMM instances for verification and rollback' })
  rmm!: string[];
  @ApiProperty({ type: [String], description: 'Instances told when its incidents change' })
  paging!: string[];
  @ApiProperty({ example: 'an empty list means: every enabled instance able to do it' })
  note!: string;
}
