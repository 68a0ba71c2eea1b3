import { ApiProperty } from '@nestjs/swagger';

/** One of the MSP's clients, as matched across tools. */
export class ClientDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Acme Dental' }) name!: string;
  @ApiProperty({ description: 'Normalised name: how clients named by different tools meet' })
  nameKey!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Case, punctuation and legal suffixes ignored',
  })
  matchKey!: string | null;
  @ApiProperty({ description: 'Its rollbacks wait for a second operator' })
  rollbackRequiresApproval!: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
}

export class ClientListDto {
  @ApiProperty({ type: [ClientDto], description: 'By name' }) items!: ClientDto[];
}
