import { ConflictException, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import { notFound } from '../common/api-errors';
import { UnremovablePatchRule } from './entities/unremovable-patch-rule.entity';
import { BUILT_IN_RULES, type UnremovableRule } from './unremovable-patches';

/** The built-in list of patches never to remove, plus the ones users added. */
@Injectable()
export class UnremovableRulesService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

  async all(m: EntityManager = this.ds.manager): Promise<UnremovableRule[]> {
    const added = await m.getRepository(UnremovablePatchRule).find({ order: { createdAt: 'ASC' } });
    return [
      ...BUILT_IN_RULES,
      ...added.map((r) => ({
        id: r.id,
        match: r.match,
        pattern: r.pattern,
        reason: r.reason,
        builtIn: false,
      })),
    ];
  }

  async add(
    who: Principal,
    rule: { match: 'patch-id' | 'title'; pattern: string; reason: string },
  ): Promise<UnremovableRule> {
    const pattern =
      rule.match === 'patch-id' ? rule.pattern.trim().toUpperCase() : rule.pattern.trim();
    return this.ds.transaction(async (m) => {
      const exists = await m
        .getRepository(UnremovablePatchRule)
        .findOneBy({ match: rule.match, pattern });
      if (exists)
        throw new ConflictException(
          `pattern: a ${rule.match} rule for "${pattern}" exists (${exists.id})`,
        );
      const row: UnremovablePatchRule = {
        id: randomUUID(),
        match: rule.match,
        pattern,
        reason: rule.reason.trim(),
        createdBy: who.name,
        createdAt: new Date(),
      };
      await m.getRepository(UnremovablePatchRule).insert(row);
      await this.audit.record(
        who,
        {
          action: 'rollback.rule.add',
          targetType: 'unremovable-rule',
          targetId: row.id,
          detail: { ...rule, pattern },
        },
        m,
      );
      return { id: row.id, match: row.match, pattern, reason: row.reason, builtIn: false };
    });
  }

  async remove(who: Principal, id: string): Promise<void> {
    if (BUILT_IN_RULES.some((r) => r.id === id))
      throw new ConflictException(`id: ${id} is a built-in rule and cannot be removed`);
    await this.ds.transaction(async (m) => {
      const row = await m.getRepository(UnremovablePatchRule).findOneBy({ id });
      if (!row) throw notFound('unremovable rule', id);
      await m.getRepository(UnremovablePatchRule).delete({ id });
      await this.audit.record(
        who,
        {
          action: 'rollback.rule.remove',
          targetType: 'unremovable-rule',
          targetId: id,
          detail: { pattern: row.pattern },
        },
        m,
      );
    });
  }
}
