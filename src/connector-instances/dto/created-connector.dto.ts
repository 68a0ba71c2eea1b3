import { ApiProperty } from '@nestjs/swagger';
import { ConnectorDto } from './connector.dto';
import { WebhookCredentialsDto } from './webhook-credentials.dto';

/** POST /api/v1/connectors: the instance, with its webhook secret shown this once. */
export class CreatedConnectorDto extends ConnectorDto {
  @ApiProperty({
    type: WebhookCredentialsDto,
    nullable: true,
    description: 'The webhook URL and secret (shown once); null for kinds without webhooks',
  })
  override webhook: WebhookCredentialsDto | null = null;
}
