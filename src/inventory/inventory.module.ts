import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DevicesController } from './devices.controller';
import { DevicesService } from './devices.service';
import { InventoryRecorder } from './inventory-recorder.service';

/** Clients, devices and their facts; the recorder is how canonical events get in. */
@Module({
  imports: [AuditModule],
  controllers: [DevicesController],
  providers: [DevicesService, InventoryRecorder],
  exports: [InventoryRecorder],
})
export class InventoryModule {}
