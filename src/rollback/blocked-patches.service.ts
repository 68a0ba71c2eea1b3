import { ConflictException, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import { notFound } from '../common/api-errors';
import { Client } from '../inventory/entities/client.entity';
import { BlockedPatch } from './entities/blocked-patch.entity';

/** The KBs a client must not get back, and whether its rollbacks need a second operator. */
@Injectable()
export class BlockedPatchesService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

  private async client(who: Principal, clientId: string): Promise<Client> {
    const client = await this.ds.getRepository(Client).findOneBy({ id: clientId });
    if (!client || (who.clientId && who.clientId !== clientId)) throw notFound('client', clientId);
    return client;
  }

  async list(who: Principal, clientId: string) {
    await this.client(who, clientId);
    const items = await this.ds
      .getRepository(BlockedPatch)
      .find({ where: { clientId }, order: { createdAt: 'ASC' } });
    return { items, total: items.length };
  }

  async block(who: Principal, clientId: string, patchId: string, reason: string) {
    await this.client(who, clientId);
    const id = patchId.trim().toUpperCase();
    return this.ds.transaction(async (m) => {
      const exists = await m.getRepository(BlockedPatch).findOneBy({ clientId, patchId: id });
      if (exists) throw new ConflictException(`patchId: ${id} is already blocked for this client`);
      const row: BlockedPatch = {
        id: randomUUID(),
        clientId,
        patchId: id,
        reason,
        blockedBy: who.name,
        rollbackId: null,
        deviceId: null,
        createdAt: new Date(),
      };
      await m.getRepository(BlockedPatch).insert(row);
      await this.audit.record(
        who,
        {
          action: 'patch.block',
          targetType: 'client',
          targetId: clientId,
          detail: { patchId: id, reason },
        },
        m,
      );
      return row;
    });
  }

  async unblock(who: Principal, clientId: string, patchId: string): Promise<void> {
    await this.client(who, clientId);
    const id = patchId.trim().toUpperCase();
    await this.ds.transaction(async (m) => {
      const row = await m.getRepository(BlockedPatch).findOneBy({ clientId, patchId: id });
      if (!row) throw notFound('blocked patch', id);
      await m.getRepository(BlockedPatch).delete({ id: row.id });
      await this.audit.record(
        who,
        {
          action: 'patch.unblock',
          targetType: 'client',
          targetId: clientId,
          detail: { patchId: id },
        },
        m,
      );
    });
  }

  async policy(who: Principal, clientId: string) {
    const client = await this.client(who, clientId);
    return { clientId, requireApproval: client.rollbackRequiresApproval };
  }

  async setPolicy(who: Principal, clientId: string, requireApproval: boolean) {
    await this.client(who, clientId);
    await this.ds.transaction(async (m) => {
      await m
        .getRepository(Client)
        .update({ id: clientId }, { rollbackRequiresApproval: requireApproval });
      await this.audit.record(
        who,
        {
          action: 'client.rollback-policy',
          targetType: 'client',
          targetId: clientId,
          detail: { requireApproval },
        },
        m,
      );
    });
    return { clientId, requireApproval };
  }
}
