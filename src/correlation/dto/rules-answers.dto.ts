import { ApiProperty } from '@nestjs/swagger';
import { RuleSettingsDto } from './rule-settings.dto';

export class ClientRuleOverrideDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The settings this client overrides, as stored',
  })
  override!: Record<string, unknown>;
  @ApiProperty({ type: RuleSettingsDto }) effective!: RuleSettingsDto;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
}

/** GET /api/v1/rules: the defaults and every visible client override. */
export class RulesOverviewDto {
  @ApiProperty({ type: RuleSettingsDto }) defaults!: RuleSettingsDto;
  @ApiProperty({ type: [ClientRuleOverrideDto] }) clients!: ClientRuleOverrideDto[];
}

/** One client's override (null: none) and the settings in effect. */
export class ClientRulesDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  override!: Record<string, unknown> | null;
  @ApiProperty({ type: RuleSettingsDto }) effective!: RuleSettingsDto;
}
