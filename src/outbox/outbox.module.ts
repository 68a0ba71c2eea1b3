import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ConnectorInstancesModule } from '../connector-instances/connector-instances.module';
import { OutboxController } from './outbox.controller';
import { OutboxDispatcher } from './outbox-dispatcher';
import { OutboxService } from './outbox.service';

/** Every write to a vendor tool: enqueued in the deciding transaction, delivered once. */
@Module({
  imports: [AuditModule, ConnectorInstancesModule],
  controllers: [OutboxController],
  providers: [OutboxService, OutboxDispatcher],
  exports: [OutboxService],
})
export class OutboxModule {}
