import { type DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { AccessModule } from './access/access.module';
import { AuditModule } from './audit/audit.module';
import { ComplianceModule } from './compliance/compliance.module';
import { loggerOptions } from './common/logger-options';
import { ConnectorInstancesModule } from './connector-instances/connector-instances.module';
import { ConsoleModule } from './console/console.module';
import { CoreModule, type CoreOptions } from './core/core.module';
import { CorrelationModule } from './correlation/correlation.module';
import { IncidentsModule } from './incidents/incidents.module';
import { IngestModule } from './ingest/ingest.module';
import { InventoryModule } from './inventory/inventory.module';
import { OpsModule } from './ops/ops.module';
import { OutboxModule } from './outbox/outbox.module';
import { ReadinessModule } from './readiness/readiness.module';
import { RollbackModule } from './rollback/rollback.module';

export type AppModuleOptions = CoreOptions;

/**
 * The features, in the order of the flow: ingest → inventory → correlation → incidents →
 * rollback, readiness and compliance → outbox, beside access, audit, connector instances and operations. Each module exports only
 * what others may use.
 */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(options),
        ScheduleModule.forRoot(),
        LoggerModule.forRoot(loggerOptions(options.config.env.LOG_LEVEL)),
        OpsModule,
        AccessModule,
        AuditModule,
        ConnectorInstancesModule,
        IngestModule,
        InventoryModule,
        CorrelationModule,
        IncidentsModule,
        RollbackModule,
        ReadinessModule,
        ComplianceModule,
        OutboxModule,
        ConsoleModule,
      ],
    };
  }
}
