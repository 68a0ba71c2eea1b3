import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RuleOverride } from './config.entities';
import { effectiveRules, type RuleSettings } from './rules/rule-settings';

export interface ClientRules {
  rules: RuleSettings;
  override: Record<string, unknown> | null;
}

/** Rule changes reach other replicas within this long; this replica sees its own at once. */
const CACHE_MS = 5_000;

@Injectable()
export class RulesService {
  private readonly cache = new Map<string, { value: ClientRules; until: number }>();

  async forClient(m: EntityManager, clientId: string | null): Promise<ClientRules> {
    const key = clientId ?? '';
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const row = clientId ? await m.getRepository(RuleOverride).findOneBy({ clientId }) : null;
    const override = (row?.settings as Record<string, unknown> | undefined) ?? null;
    const value = { rules: effectiveRules(override as Partial<RuleSettings> | null), override };
    this.cache.set(key, { value, until: Date.now() + CACHE_MS });
    return value;
  }

  forget(clientId: string): void {
    this.cache.delete(clientId);
  }
}
