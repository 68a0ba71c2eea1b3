import { ApiProperty } from '@nestjs/swagger';
import { CAPABILITIES } from '../../../connectors/contract/capabilities';

export class ConnectorWebhookDto {
  @ApiProperty({ example: 'https://switchboard.example.com/webhooks/6f1c…' }) url!: string;
}

export class RequestBudgetDto {
  @ApiProperty({ type: Number, nullable: true, description: 'null: no budget' })
  perHour!: number | null;
  @ApiProperty({ description: 'Calls counted in the last rolling hour, by every replica' })
  usedLastHour!: number;
}

/** The circuit breaker in front of the tool, as every replica sees it. */
export class CircuitDto {
  @ApiProperty({ enum: ['closed', 'open', 'half-open'] }) state!: string;
  @ApiProperty() consecutiveFailures!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) openUntil!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) openedAt!: string | null;
  @ApiProperty() timesOpened!: number;
  @ApiProperty({ type: String, nullable: true }) lastFailure!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastFailureAt!: string | null;
}

/** Where one pull stream stands and how its last runs went. */
export class PollStreamDto {
  @ApiProperty({ enum: ['devices', 'patches', 'health', 'tickets'] }) stream!: string;
  @ApiProperty({ type: String, nullable: true }) cursor!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastSuccessAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastErrorAt!: string | null;
  @ApiProperty({ type: Number, nullable: true }) lastDurationMs!: number | null;
  @ApiProperty({ type: Number, nullable: true }) lastRecords!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Seconds since the last success; null before the first',
  })
  lagSeconds!: number | null;
}

/** A configured connector instance; secrets are never shown, only which ones are set. */
export class ConnectorDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'generic' }) kind!: string;
  @ApiProperty({ example: 'Acme scripts' }) name!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: CAPABILITIES, isArray: true }) capabilities!: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Its settings without the secret ones',
  })
  settings!: Record<string, unknown>;
  @ApiProperty({ type: [String], description: 'Names of the secret settings that are set' })
  secretsSet!: string[];
  @ApiProperty({
    type: ConnectorWebhookDto,
    nullable: true,
    description: 'Where its tool posts events; null for kinds that receive no webhooks',
  })
  webhook!: ConnectorWebhookDto | null;
  @ApiProperty({ type: Number, nullable: true, description: 'null: the kind pulls nothing' })
  pollIntervalSeconds!: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) nextPollAt!: string | null;
  @ApiProperty({ type: RequestBudgetDto }) requestBudget!: RequestBudgetDto;
  @ApiProperty({ type: CircuitDto }) circuit!: CircuitDto;
  @ApiProperty({ type: [PollStreamDto] }) polling!: PollStreamDto[];
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
}

export class ConnectorListDto {
  @ApiProperty({ type: [ConnectorDto], description: 'Oldest first' }) items!: ConnectorDto[];
}
