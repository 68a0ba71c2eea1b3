import { BadRequestException, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { STREAM_CAPABILITY, PULL_STREAMS } from '../../connectors/contract/capabilities';
import type { CapabilityReport } from '../../connectors/contract/connector';
import { ConnectorError } from '../../connectors/contract/connector-error';
import { parseSettings, secretFields, SettingsError } from '../../connectors/contract/settings';
import type { Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { notFound } from '../common/api-errors';
import { encryptJson, newSecret } from '../common/crypto';
import { CircuitBreaker, CLOSED_CIRCUIT, type CircuitView } from './circuit-breaker.service';
import { ConnectorHost } from './connector-host.service';
import { RequestBudget } from './request-budget.service';
import { ConnectorRegistry } from './connector-registry.service';
import type { CreateConnectorDto } from './dto/create-connector.dto';
import type { UpdateConnectorDto } from './dto/update-connector.dto';
import { ConnectorInstance } from './entities/connector-instance.entity';
import { PollState } from './entities/poll-state.entity';

const DEFAULT_POLL_SECONDS = 300;

@Injectable()
export class ConnectorInstancesService {
  constructor(
    private readonly ds: DataSource,
    private readonly registry: ConnectorRegistry,
    private readonly host: ConnectorHost,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly breaker: CircuitBreaker,
    private readonly budget: RequestBudget,
  ) {}

  private definition(kind: string) {
    const def = this.registry.get(kind);
    if (!def)
      throw new BadRequestException(
        `kind: unknown connector kind '${kind}' (known: ${this.registry.kinds().join(', ')})`,
      );
    return def;
  }

  private validate(kind: string, plain: Record<string, unknown>) {
    const def = this.definition(kind);
    try {
      parseSettings(def.settings, plain);
    } catch (err) {
      if (err instanceof SettingsError) throw new BadRequestException(err.message);
      throw err;
    }
    const secrets = new Set(secretFields(def.settings));
    const open: Record<string, unknown> = {};
    const hidden: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(plain)) (secrets.has(k) ? hidden : open)[k] = v;
    return { def, open, hidden };
  }

  pulls(kind: string): boolean {
    const def = this.registry.get(kind);
    return Boolean(
      def && PULL_STREAMS.some((s) => def.capabilities.includes(STREAM_CAPABILITY[s])),
    );
  }

  async create(dto: CreateConnectorDto, who: Principal) {
    const { def, open, hidden } = this.validate(dto.kind, dto.settings ?? {});
    const id = randomUUID();
    const key = this.config.secretKey;
    const webhookSecret = def.capabilities.includes('webhooks') ? newSecret('whsec') : undefined;
    const pulls = this.pulls(dto.kind);
    const instance = this.ds.getRepository(ConnectorInstance).create({
      id,
      kind: def.kind,
      name: dto.name,
      enabled: dto.enabled ?? true,
      settings: open,
      secretsEnc: Object.keys(hidden).length > 0 ? encryptJson(key, id, hidden) : null,
      webhookSecretEnc: webhookSecret ? encryptJson(key, `${id}:webhook`, webhookSecret) : null,
      pollIntervalSeconds: pulls
        ? (dto.pollIntervalSeconds ?? def.defaultPollSeconds ?? DEFAULT_POLL_SECONDS)
        : null,
      nextPollAt: pulls ? new Date() : null,
      requestsPerHour: dto.requestsPerHour ?? null,
      pollLeaseOwner: null,
      pollLeaseUntil: null,
    });
    await this.ds.transaction(async (m) => {
      await m.getRepository(ConnectorInstance).insert(instance);
      await this.audit.record(
        who,
        {
          action: 'connector.create',
          targetType: 'connector',
          targetId: id,
          detail: { kind: def.kind, name: dto.name },
        },
        m,
      );
    });
    const saved = await this.get(id);
    return {
      ...(await this.view(saved)),
      ...(webhookSecret
        ? { webhook: { url: this.host.webhookUrl(id), secret: webhookSecret } }
        : {}),
    };
  }

  async get(id: string, manager: EntityManager = this.ds.manager): Promise<ConnectorInstance> {
    const found = await manager.getRepository(ConnectorInstance).findOne({ where: { id } });
    if (!found) throw notFound('connector', id);
    return found;
  }

  async list() {
    const all = await this.ds
      .getRepository(ConnectorInstance)
      .find({ order: { createdAt: 'ASC' } });
    const guards = await this.guards();
    return Promise.all(all.map((i) => this.view(i, guards)));
  }

  /** Every instance's circuit and the calls counted against its budget in the last hour. */
  async guards(): Promise<{ circuits: Map<string, CircuitView>; used: Map<string, number> }> {
    const [circuits, used] = await Promise.all([this.breaker.views(), this.budget.usedLastHour()]);
    return { circuits, used };
  }

  async update(id: string, dto: UpdateConnectorDto, who: Principal) {
    await this.ds.transaction(async (m) => {
      const current = await this.get(id, m);
      const patch: Partial<ConnectorInstance> = {};
      if (dto.settings) {
        const merged = { ...current.settings, ...this.host.secrets(current), ...dto.settings };
        const { open, hidden } = this.validate(current.kind, merged);
        patch.settings = open;
        patch.secretsEnc =
          Object.keys(hidden).length > 0 ? encryptJson(this.config.secretKey, id, hidden) : null;
      }
      if (dto.name !== undefined) patch.name = dto.name;
      if (dto.requestsPerHour !== undefined) patch.requestsPerHour = dto.requestsPerHour;
      if (dto.enabled !== undefined) patch.enabled = dto.enabled;
      if (dto.pollIntervalSeconds !== undefined && current.pollIntervalSeconds !== null) {
        patch.pollIntervalSeconds = dto.pollIntervalSeconds;
      }
      await m.getRepository(ConnectorInstance).update({ id }, { ...patch, updatedAt: new Date() });
      const changed = Object.keys(dto).filter((k) => k !== 'settings');
      const settingsChanged = dto.settings ? Object.keys(dto.settings) : [];
      await this.audit.record(
        who,
        {
          action: 'connector.update',
          targetType: 'connector',
          targetId: id,
          detail: { changed, settingsChanged },
        },
        m,
      );
    });
    this.host.forget(id);
    return this.view(await this.get(id));
  }

  async rotateWebhookSecret(id: string, who: Principal) {
    const current = await this.get(id);
    if (!current.webhookSecretEnc)
      throw new BadRequestException(`connector ${id} (${current.kind}) receives no webhooks`);
    const secret = newSecret('whsec');
    await this.ds.transaction(async (m) => {
      await m.getRepository(ConnectorInstance).update(
        { id },
        {
          webhookSecretEnc: encryptJson(this.config.secretKey, `${id}:webhook`, secret),
          updatedAt: new Date(),
        },
      );
      await this.audit.record(
        who,
        { action: 'connector.rotate-webhook-secret', targetType: 'connector', targetId: id },
        m,
      );
    });
    this.host.forget(id);
    return { url: this.host.webhookUrl(id), secret };
  }

  async remove(id: string, who: Principal): Promise<void> {
    await this.ds.transaction(async (m) => {
      const current = await this.get(id, m);
      await m.getRepository(ConnectorInstance).delete({ id });
      await this.audit.record(
        who,
        {
          action: 'connector.delete',
          targetType: 'connector',
          targetId: id,
          detail: { kind: current.kind, name: current.name },
        },
        m,
      );
    });
    this.host.forget(id);
  }

  async check(id: string, who: Principal) {
    const instance = await this.get(id);
    const { connector, definition } = this.host.live(instance);
    let report: CapabilityReport;
    try {
      report = await connector.check();
    } catch (err) {
      // A check that cannot even start (bad credentials, vendor down) fails every capability.
      const error =
        err instanceof ConnectorError
          ? err
          : new ConnectorError(String((err as Error).message), 'unavailable', true);
      const status = error.reason === 'denied' ? 'denied' : 'error';
      report = Object.fromEntries(
        definition.capabilities.map((c) => [
          c,
          { status, detail: `${error.reason}: ${error.message}` },
        ]),
      );
    }
    await this.audit.record(who, {
      action: 'connector.check',
      targetType: 'connector',
      targetId: id,
      detail: { report },
    });
    return { id, kind: instance.kind, capabilities: report };
  }

  async view(
    i: ConnectorInstance,
    guards?: Awaited<ReturnType<ConnectorInstancesService['guards']>>,
  ) {
    const def = this.registry.get(i.kind);
    const { circuits, used } = guards ?? (await this.guards());
    const states = await this.ds.getRepository(PollState).find({ where: { instanceId: i.id } });
    const now = Date.now();
    return {
      id: i.id,
      kind: i.kind,
      name: i.name,
      enabled: i.enabled,
      capabilities: def?.capabilities ?? [],
      settings: i.settings,
      secretsSet: Object.keys(this.host.secrets(i)),
      webhook: i.webhookSecretEnc ? { url: this.host.webhookUrl(i.id) } : null,
      pollIntervalSeconds: i.pollIntervalSeconds,
      nextPollAt: i.nextPollAt,
      requestBudget: { perHour: i.requestsPerHour, usedLastHour: used.get(i.id) ?? 0 },
      circuit: circuits.get(i.id) ?? CLOSED_CIRCUIT,
      polling: states.map((s) => ({
        stream: s.stream,
        cursor: s.cursor,
        lastSuccessAt: s.lastSuccessAt,
        lastError: s.lastError,
        lastErrorAt: s.lastErrorAt,
        lastDurationMs: s.lastDurationMs,
        lastRecords: s.lastRecords,
        lagSeconds: s.lastSuccessAt
          ? Math.round((now - new Date(s.lastSuccessAt).getTime()) / 1000)
          : null,
      })),
      createdAt: i.createdAt,
      updatedAt: i.updatedAt,
    };
  }
}
