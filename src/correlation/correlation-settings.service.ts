import { BadRequestException, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import type { Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import { notFound } from '../common/api-errors';
import { RoutingService } from '../connector-instances/routing.service';
import { RulesService } from './rules.service';
import { ConnectorInstance } from '../connector-instances/entities/connector-instance.entity';
import { Client } from '../inventory/entities/client.entity';
import { Device } from '../inventory/entities/device.entity';
import { MaintenanceWindow, RuleOverride } from './config.entities';
import {
  ClientRoute,
  type RoutePurpose,
} from '../connector-instances/entities/client-route.entity';
import { ClientRoutesDto } from './dto/client-routes.dto';
import { CreateMaintenanceWindowDto } from './dto/maintenance-window.dto';
import {
  DEFAULT_RULES,
  effectiveRules,
  validateOverride,
  type RuleSettings,
} from './rules/rule-settings';

/**
 * Rules per client, which instances serve a client, and maintenance windows: every change
 * audited, and the caches that hold them dropped on this replica at once.
 */
@Injectable()
export class CorrelationSettingsService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly rulesService: RulesService,
    private readonly routing: RoutingService,
  ) {}

  private async client(who: Principal, id: string): Promise<Client> {
    const client = await this.ds.getRepository(Client).findOneBy({ id });
    if (!client || (who.clientId && who.clientId !== id)) throw notFound('client', id);
    return client;
  }
  async rules(who: Principal) {
    const overrides = await this.ds.getRepository(RuleOverride).find();
    const visible = overrides.filter((o) => !who.clientId || o.clientId === who.clientId);
    return {
      defaults: DEFAULT_RULES,
      clients: visible.map((o) => ({
        clientId: o.clientId,
        override: o.settings,
        effective: effectiveRules(o.settings as Partial<RuleSettings>),
        updatedAt: o.updatedAt,
      })),
    };
  }
  async clientRules(who: Principal, clientId: string) {
    await this.client(who, clientId);
    const row = await this.ds.getRepository(RuleOverride).findOneBy({ clientId });
    return {
      clientId,
      override: row?.settings ?? null,
      effective: effectiveRules(row?.settings as Partial<RuleSettings> | undefined),
    };
  }
  async setClientRules(who: Principal, clientId: string, body: Record<string, unknown>) {
    await this.client(who, clientId);
    const problems = validateOverride(body);
    if (problems.length > 0) throw new BadRequestException(problems.join('; '));
    await this.ds.transaction(async (m) => {
      await m
        .getRepository(RuleOverride)
        .upsert({ clientId, settings: body, updatedAt: new Date() }, ['clientId']);
      await this.audit.record(
        who,
        {
          action: 'rules.override',
          targetType: 'client',
          targetId: clientId,
          detail: { settings: body },
        },
        m,
      );
    });
    this.rulesService.forget(clientId);
    return this.clientRules(who, clientId);
  }
  async clearClientRules(who: Principal, clientId: string) {
    await this.ds.transaction(async (m) => {
      await m.getRepository(RuleOverride).delete({ clientId });
      await this.audit.record(
        who,
        { action: 'rules.reset', targetType: 'client', targetId: clientId },
        m,
      );
    });
    this.rulesService.forget(clientId);
  }
  async routes(who: Principal, clientId: string) {
    await this.client(who, clientId);
    const rows = await this.ds.getRepository(ClientRoute).findBy({ clientId });
    const of = (p: RoutePurpose) => rows.filter((r) => r.purpose === p).map((r) => r.instanceId);
    return {
      clientId,
      alerts: of('alerts'),
      tickets: of('tickets'),
      rmm: of('rmm'),
      paging: of('paging'),
      note: 'an empty list means: every enabled instance able to do it',
    };
  }
  async setRoutes(who: Principal, clientId: string, dto: ClientRoutesDto) {
    await this.client(who, clientId);
    const wanted = [
      ...(dto.alerts ?? []),
      ...(dto.tickets ?? []),
      ...(dto.rmm ?? []),
      ...(dto.paging ?? []),
    ];
    const found = await this.ds.getRepository(ConnectorInstance).findBy({ id: In(wanted) });
    const missing = wanted.filter((id) => !found.some((f) => f.id === id));
    if (missing.length > 0)
      throw new BadRequestException(`instances: unknown connector ${missing.join(', ')}`);
    await this.ds.transaction(async (m) => {
      for (const purpose of ['alerts', 'tickets', 'rmm', 'paging'] as const) {
        const ids = dto[purpose];
        if (ids === undefined) continue;
        await m.getRepository(ClientRoute).delete({ clientId, purpose });
        for (const instanceId of ids)
          await m.getRepository(ClientRoute).insert({ clientId, instanceId, purpose });
      }
      await this.audit.record(
        who,
        { action: 'client.routes', targetType: 'client', targetId: clientId, detail: { ...dto } },
        m,
      );
    });
    this.routing.forgetRoutes();
    return this.routes(who, clientId);
  }
  async windows(who: Principal) {
    const all = await this.ds
      .getRepository(MaintenanceWindow)
      .find({ order: { startsAt: 'DESC' }, take: 500 });
    return { items: who.clientId ? all.filter((w) => w.clientId === who.clientId) : all };
  }
  async addWindow(who: Principal, dto: CreateMaintenanceWindowDto) {
    if (!dto.clientId && !dto.deviceId)
      throw new BadRequestException('clientId or deviceId: one is required');
    if (new Date(dto.endsAt) <= new Date(dto.startsAt))
      throw new BadRequestException('endsAt: must be after startsAt');
    if (dto.clientId) await this.client(who, dto.clientId);
    if (dto.deviceId) {
      const device = await this.ds.getRepository(Device).findOneBy({ id: dto.deviceId });
      if (!device || (who.clientId && device.clientId !== who.clientId))
        throw new BadRequestException(`deviceId: device ${dto.deviceId} not found`);
    }
    const row: MaintenanceWindow = {
      id: randomUUID(),
      clientId: dto.clientId ?? null,
      deviceId: dto.deviceId ?? null,
      startsAt: new Date(dto.startsAt),
      endsAt: new Date(dto.endsAt),
      reason: dto.reason ?? '',
      createdAt: new Date(),
    };
    await this.ds.transaction(async (m) => {
      await m.getRepository(MaintenanceWindow).insert(row);
      await this.audit.record(
        who,
        {
          action: 'maintenance.create',
          targetType: 'maintenance-window',
          targetId: row.id,
          detail: { ...dto },
        },
        m,
      );
    });
    return row;
  }
  async removeWindow(who: Principal, id: string) {
    const row = await this.ds.getRepository(MaintenanceWindow).findOneBy({ id });
    if (!row || (who.clientId && row.clientId !== who.clientId))
      throw notFound('maintenance window', id);
    await this.ds.transaction(async (m) => {
      await m.getRepository(MaintenanceWindow).delete({ id });
      await this.audit.record(
        who,
        { action: 'maintenance.delete', targetType: 'maintenance-window', targetId: id },
        m,
      );
    });
  }
}
