import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors';
import { PollAnswerDto } from './dto/poll-answer.dto';
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
  @ApiOperation({ summary: 'Poll an instance now instead of at its next interval' })
  @ApiAcceptedResponse({ type: PollAnswerDto })
  @ApiErrors(400, 401, [403, 'Needs an operator or admin token that is not client-scoped'], 404)
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
