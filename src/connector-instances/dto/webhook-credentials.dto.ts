import { ApiProperty } from '@nestjs/swagger';

/** Where a tool posts its events and the secret it sends: the secret is shown this once. */
export class WebhookCredentialsDto {
  @ApiProperty({ example: 'https://switchboard.example.com/webhooks/6f1c…' }) url!: string;
  @ApiProperty({ example: 'whsec_…' }) secret!: string;
}
