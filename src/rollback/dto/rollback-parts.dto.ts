import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLLBACK_STATES } from '../entities/rollback.entity';

/** One pre-flight check: what was checked, whether it passed, in words. */
export class PreflightCheckDto {
  @ApiProperty({ example: 'device-online' }) check!: string;
  @ApiProperty() ok!: boolean;
  @ApiProperty() detail!: string;
}

export class PlanInstanceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: "The instance's connector kind" }) kind!: string;
}

export class PlanDeviceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: "The RMM's id of the device" }) externalId!: string;
}

/** What the RMM will be asked to run. */
export class RollbackPlanDto {
  @ApiProperty({ type: PlanInstanceDto }) instance!: PlanInstanceDto;
  @ApiProperty({ type: PlanDeviceDto }) device!: PlanDeviceDto;
  @ApiProperty({ example: 'KB5034441' }) patchId!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: "The connector's description of the exact call, when it gives one",
  })
  script!: Record<string, unknown> | null;
}

/** The removal script's own report, when its JSON line was found in the output. */
export class PatchRemovalReportDto {
  @ApiProperty({ example: 'KB5034441' }) kb!: string;
  @ApiProperty({ enum: ['removed', 'not-installed', 'refused', 'failed'] }) outcome!: string;
  @ApiProperty({ example: 0, description: '0 removed, 3010 removed and a reboot is pending' })
  exitCode!: number;
  @ApiPropertyOptional() packageName?: string;
  @ApiPropertyOptional() rebootRequired?: boolean;
  @ApiPropertyOptional() rebooting?: boolean;
  @ApiPropertyOptional() message?: string;
}

/** Where the rollback run stands, as the RMM reports it. */
export class RollbackResultDto {
  @ApiProperty({ enum: ['running', 'succeeded', 'failed'] }) state!: string;
  @ApiPropertyOptional() exitCode?: number;
  @ApiPropertyOptional({ description: 'What the run printed, at most 2,000 characters' })
  output?: string;
  @ApiPropertyOptional({ type: PatchRemovalReportDto }) report?: PatchRemovalReportDto;
  @ApiProperty({ example: 'script finished with FAILURE (exit 1)' }) detail!: string;
}

export class ServiceStateDto {
  @ApiProperty({ example: 'MSSQLSERVER' }) name!: string;
  @ApiProperty({ example: 'running' }) state!: string;
}

/** What the verification found after the script. */
export class RollbackVerificationDto {
  @ApiProperty({ type: Boolean, nullable: true }) patchRemoved!: boolean | null;
  @ApiProperty() patchEvidence!: string;
  @ApiProperty({ type: [ServiceStateDto] }) services!: ServiceStateDto[];
  @ApiProperty({ type: Boolean, nullable: true }) servicesRunning!: boolean | null;
}

export class RollbackStepDto {
  @ApiProperty({ enum: ROLLBACK_STATES }) state!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional() by?: string;
  @ApiPropertyOptional() note?: string;
}

export class RollbackLinksDto {
  @ApiProperty({ example: 'https://switchboard.example.com/api/v1/rollbacks/…' }) self!: string;
  @ApiProperty({ example: 'https://switchboard.example.com/console/rollbacks/…' }) page!: string;
}
