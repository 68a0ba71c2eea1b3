import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import type { ConnectorDefinition } from '../connectors/contract/connector';
import { CONNECTOR_DEFINITIONS as REGISTRY } from '../connectors/registry';
import { AccessGuard } from './access/access.guard';
import { TokenService } from './access/token.service';
import { TokensController } from './access/tokens.controller';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { AppConfig } from './config/app-config';
import { ConnectorHost } from './connector-instances/connector-host.service';
import { ConnectorInstancesService } from './connector-instances/connector-instances.service';
import { ConnectorRegistry } from './connector-instances/connector-registry.service';
import { ConnectorsController } from './connector-instances/connectors.controller';
import { MetricsService } from './common/metrics.service';
import { loggerOptions } from './common/logger-options';
import { CLOCK, CONNECTOR_DEFINITIONS } from './common/tokens';
import { InboxController } from './ingest/inbox.controller';
import { InboxProcessor } from './ingest/inbox-processor';
import { InboxService } from './ingest/inbox.service';
import { PollController } from './ingest/poll.controller';
import { PollRunner } from './ingest/poll-runner';
import { PollScheduler } from './ingest/poll-scheduler';
import { WebhookController } from './ingest/webhook.controller';
import { DevicesController } from './inventory/devices.controller';
import { DevicesService } from './inventory/devices.service';
import { InventoryRecorder } from './inventory/inventory-recorder.service';
import { OpsController } from './ops/ops.controller';
import { CorrelationEngine } from './correlation/correlation.engine';
import { CorrelationSettingsController } from './correlation/correlation-settings.controller';
import { CorrelationSettingsService } from './correlation/correlation-settings.service';
import { DeferredChecksWorker } from './correlation/deferred-checks.worker';
import { IncidentNotifier } from './incidents/incident-notifier';
import { IncidentViewBuilder } from './incidents/incident-view.builder';
import { RoutingService } from './connector-instances/routing.service';
import { RulesService } from './correlation/rules.service';
import { HealthDownUseCase } from './correlation/usecases/health-down.usecase';
import { HealthUpUseCase } from './correlation/usecases/health-up.usecase';
import { OpenIncidentUseCase } from './correlation/usecases/open-incident.usecase';
import { PatchSeenUseCase } from './correlation/usecases/patch-seen.usecase';
import { PatchWaveUseCase } from './correlation/usecases/patch-wave.usecase';
import { TicketSeenUseCase } from './correlation/usecases/ticket-seen.usecase';
import { VerificationScheduler } from './correlation/usecases/verification.scheduler';
import { IncidentsController } from './incidents/incidents.controller';
import { IncidentLifecycle } from './incidents/incident-lifecycle.service';
import { IncidentsService } from './incidents/incidents.service';
import { TicketOutboxHook } from './incidents/ticket-outbox.hook';
import { defaultTemplatesDir, TemplateRenderer } from './rendering/renderer';
import { OutboxController } from './outbox/outbox.controller';
import { OutboxDispatcher } from './outbox/outbox-dispatcher';
import { OUTBOX_HOOKS, type OutboxHook } from './outbox/outbox-hooks';
import { OutboxService } from './outbox/outbox.service';

export interface AppModuleOptions {
  config: AppConfig;
  dataSource: DataSource;
  /** Defaults to connectors/registry.ts; tests add in-test connectors. */
  definitions?: readonly ConnectorDefinition<object>[];
  clock?: () => Date;
}

@Global()
@Module({})
class FoundationModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: AppConfig, useValue: options.config },
      { provide: DataSource, useValue: options.dataSource },
      { provide: CONNECTOR_DEFINITIONS, useValue: options.definitions ?? REGISTRY },
      { provide: CLOCK, useValue: options.clock ?? (() => new Date()) },
      MetricsService,
      AuditService,
      TokenService,
      ConnectorRegistry,
      ConnectorHost,
    ];
    return { module: FoundationModule, providers, exports: providers };
  }
}

/** Extension points: what reacts to stored events (correlation) and to deliveries (tickets). */
const listenerProviders: Provider[] = [
  {
    provide: OUTBOX_HOOKS,
    useFactory: (tickets: TicketOutboxHook): OutboxHook[] => [tickets],
    inject: [TicketOutboxHook],
  },
  {
    provide: TemplateRenderer,
    useFactory: (config: AppConfig) =>
      new TemplateRenderer({
        baseDir: defaultTemplatesDir(),
        overrideDir: config.env.SWITCHBOARD_TEMPLATES_DIR,
      }),
    inject: [AppConfig],
  },
];

const correlationProviders: Provider[] = [
  CorrelationEngine,
  CorrelationSettingsService,
  RoutingService,
  RulesService,
  IncidentViewBuilder,
  IncidentNotifier,
  IncidentLifecycle,
  OpenIncidentUseCase,
  PatchWaveUseCase,
  HealthDownUseCase,
  HealthUpUseCase,
  TicketSeenUseCase,
  PatchSeenUseCase,
  VerificationScheduler,
  DeferredChecksWorker,
  TicketOutboxHook,
  IncidentsService,
];

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        FoundationModule.forRoot(options),
        LoggerModule.forRoot(loggerOptions(options.config.env.LOG_LEVEL)),
      ],
      controllers: [
        OpsController,
        TokensController,
        AuditController,
        ConnectorsController,
        PollController,
        WebhookController,
        InboxController,
        DevicesController,
        OutboxController,
        IncidentsController,
        CorrelationSettingsController,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        ...listenerProviders,
        ConnectorInstancesService,
        InboxService,
        InboxProcessor,
        PollRunner,
        PollScheduler,
        DevicesService,
        InventoryRecorder,
        OutboxService,
        OutboxDispatcher,
        ...correlationProviders,
      ],
    };
  }
}
