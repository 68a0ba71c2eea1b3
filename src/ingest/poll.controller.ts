import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, UnscopedOnly, type Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import { ConnectorInstancesService } from '../connector-instances/connector-instances.service';
import { PollScheduler } from './poll-scheduler';

@ApiTags('connectors')
@ApiBearerAuth()
@Controller('api/v1/connectors')
@UnscopedOnly()
export class PollController {
  constructor(
    private readonly scheduler: PollScheduler,
    private readonly instances: ConnectorInstancesService,
    private readonly audit: AuditService,
  ) {}

  /** Poll now instead of at the next interval (the poll still runs on one replica only). */
  @Post(':id/poll')
  @HttpCode(202)
  async pollNow(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() who: Principal) {
    const instance = await this.instances.get(id);
    if (!this.instances.pulls(instance.kind))
      return { id, polling: false, reason: `${instance.kind} pulls nothing` };
    await this.scheduler.pollSoon(id);
    await this.audit.record(who, {
      action: 'connector.poll',
      targetType: 'connector',
      targetId: id,
    });
    return { id, polling: true };
  }
}
