import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { ROLLBACK_STATES } from '../entities/rollback.entity';
import { RollbackDto } from './rollback-answer.dto';
import { PreflightCheckDto, RollbackPlanDto } from './rollback-parts.dto';

/** A dry run: the plan and every pre-flight result; nothing changed. */
export class RollbackPlanAnswerDto {
  @ApiProperty({ description: 'Always true' }) dryRun!: boolean;
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty({ example: 'KB5034441' }) patchId!: string;
  @ApiProperty({ enum: ROLLBACK_STATES, description: 'The state the rollback would start in' })
  wouldBe!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why it would be refused' })
  reason!: string | null;
  @ApiProperty({ type: [PreflightCheckDto] }) preflight!: PreflightCheckDto[];
  @ApiProperty({ type: RollbackPlanDto, nullable: true }) plan!: RollbackPlanDto | null;
  @ApiProperty() suspectConfirmed!: boolean;
}

/** A patch wave: one rollback (or, on a dry run, one plan) per device still failing. */
@ApiExtraModels(RollbackDto, RollbackPlanAnswerDto)
export class WaveRollbackAnswerDto {
  @ApiProperty({ format: 'uuid', description: 'The wave incident' }) incidentId!: string;
  @ApiProperty({ example: 'KB5034441' }) patchId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null on a dry run' })
  batchId!: string | null;
  @ApiProperty({ description: 'Always true' }) wave!: boolean;
  @ApiProperty({
    type: 'array',
    items: {
      oneOf: [{ $ref: getSchemaPath(RollbackDto) }, { $ref: getSchemaPath(RollbackPlanAnswerDto) }],
    },
  })
  rollbacks!: (RollbackDto | RollbackPlanAnswerDto)[];
}
