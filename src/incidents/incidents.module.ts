import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ConnectorInstancesModule } from '../connector-instances/connector-instances.module';
import { OutboxModule } from '../outbox/outbox.module';
import { RenderingModule } from '../rendering/rendering.module';
import { IncidentLifecycle } from './incident-lifecycle.service';
import { IncidentNotifier } from './incident-notifier';
import { IncidentViewBuilder } from './incident-view.builder';
import { IncidentsController } from './incidents.controller';
import { IncidentsService } from './incidents.service';
import { TicketOutboxHook } from './ticket-outbox.hook';

/** The incident lifecycle and everything it tells the tools. */
@Module({
  imports: [AuditModule, ConnectorInstancesModule, OutboxModule, RenderingModule],
  controllers: [IncidentsController],
  providers: [
    IncidentLifecycle,
    IncidentNotifier,
    IncidentViewBuilder,
    IncidentsService,
    TicketOutboxHook,
  ],
  exports: [IncidentLifecycle, IncidentNotifier, IncidentsService],
})
export class IncidentsModule {}
