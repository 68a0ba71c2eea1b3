import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ConnectorDefinition } from '../../connectors/contract/connector';
import { CONNECTOR_DEFINITIONS as REGISTRY } from '../../connectors/registry';
import { MetricsService } from '../common/metrics.service';
import { CLOCK, CONNECTOR_DEFINITIONS } from '../common/tokens';
import { AppConfig } from '../config/app-config';

export interface CoreOptions {
  config: AppConfig;
  dataSource: DataSource;
  /** Defaults to connectors/registry.ts; tests add in-test connectors. */
  definitions?: readonly ConnectorDefinition<object>[];
  clock?: () => Date;
}

/** What every feature may use without importing it: config, database, clock, metrics. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(options: CoreOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: AppConfig, useValue: options.config },
      { provide: DataSource, useValue: options.dataSource },
      { provide: CONNECTOR_DEFINITIONS, useValue: options.definitions ?? REGISTRY },
      { provide: CLOCK, useValue: options.clock ?? (() => new Date()) },
      MetricsService,
    ];
    return { module: CoreModule, providers, exports: providers };
  }
}
