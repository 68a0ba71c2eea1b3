import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ClientLinksController } from './client-links.controller';
import { ClientLinksService } from './client-links.service';
import { DevicesController } from './devices.controller';
import { DevicesService } from './devices.service';
import { InventoryRecorder } from './inventory-recorder.service';
import { UnmatchedAlertsController } from './unmatched-alerts.controller';

/** Clients, devices and their facts; the recorder is how canonical events get in. */
@Module({
  imports: [AuditModule],
  controllers: [DevicesController, ClientLinksController, UnmatchedAlertsController],
  providers: [DevicesService, ClientLinksService, InventoryRecorder],
  exports: [InventoryRecorder, DevicesService, ClientLinksService],
})
export class InventoryModule {}
