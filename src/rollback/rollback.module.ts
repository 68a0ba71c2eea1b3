import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ConnectorInstancesModule } from '../connector-instances/connector-instances.module';
import { IncidentsModule } from '../incidents/incidents.module';
import { InventoryModule } from '../inventory/inventory.module';
import { OutboxModule } from '../outbox/outbox.module';
import { BlockedPatchesService } from './blocked-patches.service';
import { RollbackController } from './rollback.controller';
import { RollbackOutboxHook } from './rollback-outbox.hook';
import { RollbackRequestService } from './rollback-request.service';
import { RollbackSilences } from './rollback-silences';
import { RollbackRunner } from './rollback-runner';
import { UnremovableRulesService } from './unremovable-rules.service';

/** Rollback of a patch through the RMM: asked, approved, run, verified; the KB then blocked. */
@Module({
  imports: [AuditModule, ConnectorInstancesModule, IncidentsModule, InventoryModule, OutboxModule],
  controllers: [RollbackController],
  providers: [
    BlockedPatchesService,
    RollbackOutboxHook,
    RollbackRequestService,
    RollbackRunner,
    RollbackSilences,
    UnremovableRulesService,
  ],
  exports: [RollbackRequestService],
})
export class RollbackModule {}
