import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { CircuitBreaker } from './circuit-breaker.service';
import { ConnectorHost } from './connector-host.service';
import { ConnectorInstancesService } from './connector-instances.service';
import { ConnectorRegistry } from './connector-registry.service';
import { ConnectorsController } from './connectors.controller';
import { RequestBudget } from './request-budget.service';
import { RoutingService } from './routing.service';

/** Configured tools: the registry of kinds, live connectors, and which one serves a client. */
@Module({
  imports: [AuditModule],
  controllers: [ConnectorsController],
  providers: [
    ConnectorRegistry,
    ConnectorHost,
    ConnectorInstancesService,
    RoutingService,
    CircuitBreaker,
    RequestBudget,
  ],
  exports: [
    ConnectorRegistry,
    ConnectorHost,
    ConnectorInstancesService,
    RoutingService,
    CircuitBreaker,
    RequestBudget,
  ],
})
export class ConnectorInstancesModule {}
