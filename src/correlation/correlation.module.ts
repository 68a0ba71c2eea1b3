import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ConnectorInstancesModule } from '../connector-instances/connector-instances.module';
import { IncidentsModule } from '../incidents/incidents.module';
import { InventoryModule } from '../inventory/inventory.module';
import { CorrelationEngine } from './correlation.engine';
import { CorrelationSettingsController } from './correlation-settings.controller';
import { CorrelationSettingsService } from './correlation-settings.service';
import { DecisionLog } from './decision-log';
import { DecisionsController } from './decisions.controller';
import { DeferredChecksWorker } from './deferred-checks.worker';
import { RulesService } from './rules.service';
import { HealthDownUseCase } from './usecases/health-down.usecase';
import { HealthUpUseCase } from './usecases/health-up.usecase';
import { OpenIncidentUseCase } from './usecases/open-incident.usecase';
import { PatchSeenUseCase } from './usecases/patch-seen.usecase';
import { PatchWaveUseCase } from './usecases/patch-wave.usecase';
import { TicketSeenUseCase } from './usecases/ticket-seen.usecase';
import { VerificationScheduler } from './usecases/verification.scheduler';

/** Decides: rules, suspects, waves and verification, applied through the incident lifecycle. */
@Module({
  imports: [AuditModule, ConnectorInstancesModule, IncidentsModule, InventoryModule],
  controllers: [CorrelationSettingsController, DecisionsController],
  providers: [
    CorrelationEngine,
    CorrelationSettingsService,
    DecisionLog,
    DeferredChecksWorker,
    RulesService,
    HealthDownUseCase,
    HealthUpUseCase,
    OpenIncidentUseCase,
    PatchSeenUseCase,
    PatchWaveUseCase,
    TicketSeenUseCase,
    VerificationScheduler,
  ],
  exports: [RulesService],
})
export class CorrelationModule {}
