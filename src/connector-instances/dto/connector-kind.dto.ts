import { ApiProperty } from '@nestjs/swagger';
import { CAPABILITIES } from '../../../connectors/contract/capabilities';

/** A connector kind Switchboard knows: what it can do and which settings it takes. */
export class ConnectorKindDto {
  @ApiProperty({ example: 'generic' }) kind!: string;
  @ApiProperty({ example: 'Generic events' }) displayName!: string;
  @ApiProperty({ enum: CAPABILITIES, isArray: true }) capabilities!: string[];
  @ApiProperty({ type: [String], description: 'Settings that are stored encrypted, write-only' })
  secretFields!: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Each setting with its description',
    example: { baseUrl: 'Where the tool answers' },
  })
  fields!: Record<string, string>;
  @ApiProperty({ type: Number, nullable: true, description: 'null: the kind pulls nothing' })
  defaultPollSeconds!: number | null;
}

export class ConnectorKindListDto {
  @ApiProperty({ type: [ConnectorKindDto] }) items!: ConnectorKindDto[];
}
