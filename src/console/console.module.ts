import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { AuditModule } from '../audit/audit.module';
import { ComplianceModule } from '../compliance/compliance.module';
import { ConnectorInstancesModule } from '../connector-instances/connector-instances.module';
import { IncidentsModule } from '../incidents/incidents.module';
import { InventoryModule } from '../inventory/inventory.module';
import { OutboxModule } from '../outbox/outbox.module';
import { ReadinessModule } from '../readiness/readiness.module';
import { RollbackModule } from '../rollback/rollback.module';
import { CompliancePagesController } from './compliance-pages.controller';
import { ConnectorPagesController } from './connector-pages.controller';
import { ConsoleController, ConsoleRootController } from './console.controller';
import { ConsoleHttp } from './console-http';
import { DevicePagesController } from './device-pages.controller';
import { IncidentPagesController } from './incident-pages.controller';
import { OutboxPagesController } from './outbox-pages.controller';
import { RollbackPagesController } from './rollback-pages.controller';

/** The web console: server-rendered pages over the same services as the API. */
@Module({
  imports: [
    AccessModule,
    AuditModule,
    ComplianceModule,
    ConnectorInstancesModule,
    IncidentsModule,
    InventoryModule,
    OutboxModule,
    ReadinessModule,
    RollbackModule,
  ],
  controllers: [
    ConsoleRootController,
    ConsoleController,
    CompliancePagesController,
    IncidentPagesController,
    DevicePagesController,
    ConnectorPagesController,
    OutboxPagesController,
    RollbackPagesController,
  ],
  providers: [ConsoleHttp],
})
export class ConsoleModule {}
