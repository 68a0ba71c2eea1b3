import { ApiProperty } from '@nestjs/swagger';

const MATCHED_BY = ['new', 'name', 'similar-name', 'manual'];

/** One tool's record of a client, with the client it was matched to, as the list shows it. */
export class ClientLinkRowDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) instanceId!: string;
  @ApiProperty() instanceName!: string;
  @ApiProperty({ description: "The instance's connector kind" }) instanceKind!: string;
  @ApiProperty({ description: "The tool's id, or name:<match key> for a tool that names only" })
  externalId!: string;
  @ApiProperty({ type: String, nullable: true, description: "The tool's own spelling" })
  name!: string | null;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty() clientName!: string;
  @ApiProperty({ enum: MATCHED_BY }) matchedBy!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Who confirmed or moved it' })
  confirmedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'Tools that know its client' }) toolCount!: number;
}

export class ClientLinkListDto {
  @ApiProperty({ type: [ClientLinkRowDto], description: 'By client, then tool; at most 1,000' })
  items!: ClientLinkRowDto[];
}

/** PUT /api/v1/client-links/:id: the record, under the client it now belongs to. */
export class ClientLinkDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ format: 'uuid' }) instanceId!: string;
  @ApiProperty() externalId!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ enum: MATCHED_BY }) matchedBy!: string;
  @ApiProperty({ type: String, nullable: true }) confirmedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
}
