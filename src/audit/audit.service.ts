import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../access/principal';
import { AuditEntry } from './entities/audit-entry.entity';

export interface AuditInput {
  action: string;
  targetType: string;
  targetId?: string | null;
  detail?: Record<string, unknown>;
}

@Injectable()
export class AuditService {
  constructor(private readonly ds: DataSource) {}

  /** Pass the transaction's manager so the entry commits (or not) with the change itself. */
  async record(
    who: Principal,
    input: AuditInput,
    manager: EntityManager = this.ds.manager,
  ): Promise<void> {
    await manager.getRepository(AuditEntry).insert({
      at: new Date(),
      actor: who.name,
      actorTokenId: who.tokenId,
      action: input.action,
      targetType: input.targetType,
      targetId: input.targetId ?? null,
      detail: input.detail ?? {},
    });
  }

  list(limit: number, before?: string): Promise<AuditEntry[]> {
    const qb = this.ds
      .getRepository(AuditEntry)
      .createQueryBuilder('a')
      .orderBy('a.id', 'DESC')
      .take(limit);
    if (before) qb.where('a.id < :before', { before });
    return qb.getMany();
  }
}
