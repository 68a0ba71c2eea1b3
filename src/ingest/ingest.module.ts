import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ConnectorInstancesModule } from '../connector-instances/connector-instances.module';
import { InventoryModule } from '../inventory/inventory.module';
import { InboxController } from './inbox.controller';
import { InboxProcessor } from './inbox-processor';
import { InboxService } from './inbox.service';
import { PollController } from './poll.controller';
import { PollRunner } from './poll-runner';
import { PollScheduler } from './poll-scheduler';
import { WebhookController } from './webhook.controller';

/** Webhooks and polls into the durable inbox, then normalized into the inventory. */
@Module({
  imports: [AuditModule, ConnectorInstancesModule, InventoryModule],
  controllers: [WebhookController, InboxController, PollController],
  providers: [InboxService, InboxProcessor, PollRunner, PollScheduler],
})
export class IngestModule {}
