import { ApiProperty } from '@nestjs/swagger';

/** POST /webhooks/:instanceId: the records are committed to the inbox. */
export class WebhookAcceptedDto {
  @ApiProperty({ example: 1, description: 'Records the body held' }) accepted!: number;
  @ApiProperty({ example: 1, description: 'Records stored now' }) stored!: number;
  @ApiProperty({ example: 0, description: 'Records already stored before (not stored again)' })
  duplicates!: number;
}
