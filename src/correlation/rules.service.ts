import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RuleOverride } from './config.entities';
import { effectiveRules, type RuleSettings } from './rules/rule-settings';

@Injectable()
export class RulesService {
  async forClient(
    m: EntityManager,
    clientId: string | null,
  ): Promise<{ rules: RuleSettings; override: Record<string, unknown> | null }> {
    const row = clientId ? await m.getRepository(RuleOverride).findOneBy({ clientId }) : null;
    const override = (row?.settings as Record<string, unknown> | undefined) ?? null;
    return { rules: effectiveRules(override as Partial<RuleSettings> | null), override };
  }
}
