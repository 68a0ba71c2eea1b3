import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

export class CapabilityCheckDto {
  @ApiProperty({ enum: ['ok', 'denied', 'error'] }) status!: string;
  @ApiPropertyOptional({ example: 'auth: the API token was refused' }) detail?: string;
}

/** POST /api/v1/connectors/:id/check: each declared capability probed against the tool. */
@ApiExtraModels(CapabilityCheckDto)
export class ConnectorCheckDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'generic' }) kind!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(CapabilityCheckDto) },
    description: 'By capability (devices, patches, health, tickets.read, …)',
    example: { health: { status: 'ok' }, 'alerts.note': { status: 'denied', detail: '…' } },
  })
  capabilities!: Record<string, CapabilityCheckDto>;
}
