import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLLBACK_STATES } from '../entities/rollback.entity';
import {
  PreflightCheckDto,
  RollbackLinksDto,
  RollbackPlanDto,
  RollbackResultDto,
  RollbackStepDto,
  RollbackVerificationDto,
} from './rollback-parts.dto';

/** A rollback: its pre-flight, plan, steps, the RMM's result and the verification. */
export class RollbackDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Shared by the rollbacks of one patch wave',
  })
  batchId!: string | null;
  @ApiProperty({ format: 'uuid' }) deviceId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) clientId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The RMM instance' })
  instanceId!: string | null;
  @ApiProperty({ example: 'KB5034441' }) patchId!: string;
  @ApiProperty({ enum: ROLLBACK_STATES }) state!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why it was refused or failed' })
  reason!: string | null;
  @ApiProperty() requestedBy!: string;
  @ApiProperty({ type: String, nullable: true }) approvedBy!: string | null;
  @ApiProperty({ description: 'Waits for an offline device to come back' }) whenOnline!: boolean;
  @ApiProperty({ type: [PreflightCheckDto] }) preflight!: PreflightCheckDto[];
  @ApiProperty({ type: RollbackPlanDto, nullable: true, description: 'null: no RMM can run it' })
  plan!: RollbackPlanDto | null;
  @ApiProperty({ type: String, nullable: true, description: "The RMM's job id" })
  jobId!: string | null;
  @ApiProperty({ type: RollbackResultDto, nullable: true }) result!: RollbackResultDto | null;
  @ApiProperty({ type: RollbackVerificationDto, nullable: true })
  verification!: RollbackVerificationDto | null;
  @ApiProperty({ type: [RollbackStepDto], description: 'Oldest first' }) steps!: RollbackStepDto[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deadlineAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: RollbackLinksDto }) links!: RollbackLinksDto;
  @ApiPropertyOptional({
    description:
      'Only in the answer to a rollback request (always true): the same rollback was already under way, and this is it',
  })
  alreadyRequested?: boolean;
}

export class RollbackListDto {
  @ApiProperty({ type: [RollbackDto], description: 'Oldest first' }) items!: RollbackDto[];
  @ApiProperty() total!: number;
}
