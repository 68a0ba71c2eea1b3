import { ApiProperty } from '@nestjs/swagger';

/** A KB that must not come back for a client (rolled back, or blocked by a person). */
export class BlockedPatchDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ example: 'KB5034441', description: 'Upper case' }) patchId!: string;
  @ApiProperty() reason!: string;
  @ApiProperty() blockedBy!: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The rollback that blocked it',
  })
  rollbackId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) deviceId!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
}

export class BlockedPatchListDto {
  @ApiProperty({ type: [BlockedPatchDto], description: 'Oldest first' }) items!: BlockedPatchDto[];
  @ApiProperty() total!: number;
}

export class RollbackPolicyAnswerDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ description: 'Each rollback for this client waits for a second operator' })
  requireApproval!: boolean;
}
