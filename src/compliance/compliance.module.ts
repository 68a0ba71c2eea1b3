import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { InventoryModule } from '../inventory/inventory.module';
import { ComplianceController } from './compliance.controller';
import { ComplianceService } from './compliance.service';
import { ComplianceSnapshotJob } from './compliance-snapshot.job';
import { ComplianceSummaryListener } from './compliance-summary.listener';

/** Patch compliance: summaries kept as patch events arrive, risk per rule, daily snapshots. */
@Module({
  imports: [AuditModule, InventoryModule],
  controllers: [ComplianceController],
  providers: [ComplianceService, ComplianceSummaryListener, ComplianceSnapshotJob],
  exports: [ComplianceService],
})
export class ComplianceModule {}
