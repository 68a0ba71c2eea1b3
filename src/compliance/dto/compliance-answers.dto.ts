import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEVICE_STATUSES, RISK_LEVELS } from '../compliance-settings';

/** Response shapes of /api/v1/compliance, for the API document. */
export class RiskCountsDto {
  @ApiProperty() critical!: number;
  @ApiProperty() high!: number;
  @ApiProperty() medium!: number;
  @ApiProperty() low!: number;
  @ApiProperty() compliant!: number;
}

export class StatusCountsDto {
  @ApiProperty({ description: 'Devices missing at least one patch that counts' })
  missing!: number;
  @ApiProperty({ description: 'Devices with a failed install not since succeeded' })
  failed!: number;
  @ApiProperty({ description: 'Devices waiting for a reboot' }) rebootPending!: number;
}

export class ClientComplianceDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: RISK_LEVELS, description: 'The highest risk of its devices' })
  risk!: string;
  @ApiProperty() devices!: number;
  @ApiProperty({ description: 'Share of its devices that are compliant, 0 to 100 (floor)' })
  compliantPercent!: number;
  @ApiProperty({ type: RiskCountsDto }) byRisk!: RiskCountsDto;
  @ApiProperty({ type: StatusCountsDto }) byStatus!: StatusCountsDto;
  @ApiProperty({ description: 'Missing patches over all its devices' }) missingPatches!: number;
}

export class ComplianceTotalsDto {
  @ApiProperty() devices!: number;
  @ApiProperty({ type: RiskCountsDto }) byRisk!: RiskCountsDto;
}

export class ClientComplianceListDto {
  @ApiProperty({ description: 'Clients the filter selects' }) total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
  @ApiProperty({ type: ComplianceTotalsDto, description: 'Over every client the filter selects' })
  totals!: ComplianceTotalsDto;
  @ApiProperty({ type: [ClientComplianceDto] }) items!: ClientComplianceDto[];
}

export class MissingCountsDto {
  @ApiProperty() total!: number;
  @ApiProperty() critical!: number;
  @ApiProperty() important!: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) oldestSince!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  oldestCriticalSince!: string | null;
}

export class RebootPendingDto {
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) since!: string | null;
}

export class DeviceComplianceDto {
  @ApiProperty({ format: 'uuid' }) deviceId!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) os!: string | null;
  @ApiProperty({ nullable: true, type: String }) role!: string | null;
  @ApiProperty({ description: 'Role or OS names a server' }) server!: boolean;
  @ApiProperty({ enum: RISK_LEVELS }) risk!: string;
  @ApiProperty({ enum: DEVICE_STATUSES, isArray: true }) statuses!: string[];
  @ApiProperty({ type: MissingCountsDto }) missing!: MissingCountsDto;
  @ApiProperty({ description: 'Failed installs not since succeeded' }) failed!: number;
  @ApiProperty({ type: RebootPendingDto, nullable: true }) rebootPending!: RebootPendingDto | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  lastInstalledAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastSeenAt!: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) online!: boolean | null;
  @ApiProperty({ type: [String], description: 'KBs blocked for its client that it has or had' })
  blockedPatches!: string[];
  @ApiProperty() openIncidents!: number;
}

export class ComplianceSettingsDto {
  @ApiProperty() criticalDays!: number;
  @ApiProperty() rebootDays!: number;
  @ApiProperty() serversFirst!: boolean;
  @ApiProperty({ type: [String] }) excludeTitles!: string[];
  @ApiProperty({ type: [String] }) excludeCategories!: string[];
}

export class EffectiveRuleDto {
  @ApiProperty({ enum: ['client', 'default', 'built-in'] }) source!: string;
  @ApiProperty({ type: ComplianceSettingsDto }) settings!: ComplianceSettingsDto;
  @ApiProperty({ type: [String] }) builtInExcludedTitles!: string[];
}

export class ClientRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class DeviceComplianceListDto {
  @ApiProperty({ type: ClientRefDto }) client!: ClientRefDto;
  @ApiProperty({ type: EffectiveRuleDto }) rule!: EffectiveRuleDto;
  @ApiProperty({ description: 'Devices the filter selects' }) total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
  @ApiProperty({ type: [DeviceComplianceDto] }) items!: DeviceComplianceDto[];
}

export class DevicePatchDto {
  @ApiProperty() patchId!: string;
  @ApiProperty({ nullable: true, type: String }) title!: string | null;
  @ApiProperty({ nullable: true, type: String }) severity!: string | null;
  @ApiProperty({ nullable: true, type: String }) category!: string | null;
  @ApiProperty({ enum: ['pending', 'approved', 'failed'] }) status!: string;
  @ApiProperty({ format: 'date-time', description: 'Missing since, or failed at' })
  since!: string;
  @ApiProperty() ageDays!: number;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Why it does not count' })
  excluded!: string | null;
}

export class DeviceComplianceDetailDto extends DeviceComplianceDto {
  @ApiProperty({ type: EffectiveRuleDto }) rule!: EffectiveRuleDto;
  @ApiProperty({ type: [DevicePatchDto] }) patches!: DevicePatchDto[];
}

export class ClientRuleDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ description: 'The settings this client overrides', type: Object })
  override!: Record<string, unknown>;
  @ApiProperty({ type: ComplianceSettingsDto }) effective!: ComplianceSettingsDto;
  @ApiProperty() updatedBy!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ComplianceRulesDto {
  @ApiProperty({ type: [String] }) builtInExcludedTitles!: string[];
  @ApiProperty({ type: ComplianceSettingsDto }) default!: ComplianceSettingsDto;
  @ApiProperty({ type: [ClientRuleDto] }) clients!: ClientRuleDto[];
}

export class TrendPointDto {
  @ApiProperty({ example: '2026-12-04' }) day!: string;
  @ApiProperty() devices!: number;
  @ApiProperty() compliantPercent!: number;
  @ApiProperty({ type: RiskCountsDto }) byRisk!: RiskCountsDto;
}

/** A partial settings body: only the fields given change. */
export class ComplianceSettingsBodyDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 3650 }) criticalDays?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 3650 }) rebootDays?: number;
  @ApiPropertyOptional() serversFirst?: boolean;
  @ApiPropertyOptional({ type: [String] }) excludeTitles?: string[];
  @ApiPropertyOptional({ type: [String] }) excludeCategories?: string[];
}
