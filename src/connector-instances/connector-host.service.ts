import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Connector, ConnectorDefinition } from '../../connectors/contract/connector';
import { parseSettings } from '../../connectors/contract/settings';
import { createHttp } from '../../connectors/shared/http';
import { AppConfig } from '../config/app-config';
import { decryptJson, encryptJson } from '../common/crypto';
import { CLOCK, type Clock } from '../common/tokens';
import { MetricsService } from '../common/metrics.service';
import { CircuitBreaker } from './circuit-breaker.service';
import { RequestBudget } from './request-budget.service';
import { guardVendorHttp } from './vendor-http';
import { ConnectorRegistry } from './connector-registry.service';
import { ConnectorInstance } from './entities/connector-instance.entity';

const ROW_CACHE_MS = 1000;

export interface LiveConnector {
  instance: ConnectorInstance;
  definition: ConnectorDefinition<object>;
  connector: Connector;
}

/** Builds runtime connectors from stored instances (secrets decrypted in memory only). */
@Injectable()
export class ConnectorHost {
  private readonly cache = new Map<string, { stamp: number; live: LiveConnector }>();
  private readonly rows = new Map<string, { row: ConnectorInstance | null; until: number }>();

  constructor(
    private readonly ds: DataSource,
    private readonly registry: ConnectorRegistry,
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly breaker: CircuitBreaker,
    private readonly budget: RequestBudget,
    private readonly metrics: MetricsService,
  ) {}

  webhookUrl(instanceId: string): string {
    return `${this.config.publicUrl}/webhooks/${instanceId}`;
  }

  secrets(instance: ConnectorInstance): Record<string, unknown> {
    return instance.secretsEnc
      ? decryptJson(this.config.secretKey, instance.id, instance.secretsEnc)
      : {};
  }

  webhookSecret(instance: ConnectorInstance): string | undefined {
    return instance.webhookSecretEnc
      ? decryptJson<string>(
          this.config.secretKey,
          `${instance.id}:webhook`,
          instance.webhookSecretEnc,
        )
      : undefined;
  }

  /**
   * A secret the vendor replaced (a rotated refresh token), stored encrypted under a row lock so
   * a concurrent save or API update is not lost. updated_at moves, so every replica rebuilds
   * its connector from the new value.
   */
  async saveSecret(instanceId: string, name: string, value: string): Promise<void> {
    await this.ds.transaction(async (m) => {
      const [row]: { secrets_enc: string | null }[] = await m.query(
        `SELECT secrets_enc FROM connector_instance WHERE id = $1 FOR UPDATE`,
        [instanceId],
      );
      if (!row) return;
      const key = this.config.secretKey;
      const secrets = row.secrets_enc
        ? decryptJson<Record<string, unknown>>(key, instanceId, row.secrets_enc)
        : {};
      secrets[name] = value;
      await m.query(
        `UPDATE connector_instance SET secrets_enc = $1, updated_at = now() WHERE id = $2`,
        [encryptJson(key, instanceId, secrets), instanceId],
      );
    });
    this.rows.delete(instanceId);
  }

  /** The connector for an instance; rebuilt when the instance row changed. */
  live(instance: ConnectorInstance): LiveConnector {
    const stamp = new Date(instance.updatedAt).getTime();
    const hit = this.cache.get(instance.id);
    if (hit && hit.stamp === stamp) return { ...hit.live, instance };
    const definition = this.registry.get(instance.kind);
    if (!definition) throw new Error(`connector kind ${instance.kind} is not registered`);
    const settings = parseSettings(definition.settings, {
      ...instance.settings,
      ...this.secrets(instance),
    });
    const connector = definition.create({
      instanceId: instance.id,
      settings,
      http: guardVendorHttp(createHttp(), {
        instanceId: instance.id,
        kind: instance.kind,
        requestsPerHour: instance.requestsPerHour ?? null,
        breaker: this.breaker,
        budget: this.budget,
        metrics: this.metrics,
      }),
      clock: this.clock,
      webhookSecret: this.webhookSecret(instance),
      webhookUrl: this.webhookUrl(instance.id),
      saveSecret: (name, value) => this.saveSecret(instance.id, name, value),
    });
    const live = { instance, definition, connector };
    this.cache.set(instance.id, { stamp, live });
    return live;
  }

  /**
   * For the webhook hot path: the instance row is cached for a second, so a disable or
   * delete on another replica takes effect within that.
   */
  async liveById(id: string): Promise<LiveConnector | null> {
    const hit = this.rows.get(id);
    let row = hit && hit.until > Date.now() ? hit.row : undefined;
    if (row === undefined) {
      row = await this.ds.getRepository(ConnectorInstance).findOne({ where: { id } });
      this.rows.set(id, { row, until: Date.now() + ROW_CACHE_MS });
    }
    return row ? this.live(row) : null;
  }

  forget(instanceId: string): void {
    this.cache.delete(instanceId);
    this.rows.delete(instanceId);
  }
}
