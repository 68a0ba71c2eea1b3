import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, RequireRole, UnscopedOnly, type Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import { ApiErrors, notFound } from '../common/api-errors';
import { OutboxListDto, OutboxMessageDto } from './dto/outbox-message.dto';
import { OutboxMessage, type OutboxStatus } from './entities/outbox-message.entity';
import { OutboxService } from './outbox.service';
import { transitionOutboxMessage } from './outbox-transitions';
import { WholeNumberPipe } from '../common/query-pipes';

const STATUSES: OutboxStatus[] = ['pending', 'delivering', 'delivered', 'dead', 'discarded'];

@ApiTags('outbox')
@ApiBearerAuth()
@Controller('api/v1/outbox')
@UnscopedOnly()
@ApiErrors(401)
export class OutboxController {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List outbox messages, newest first; status=dead shows what gave up' })
  @ApiQuery({ name: 'status', required: false, enum: STATUSES })
  @ApiQuery({ name: 'incidentId', required: false, type: String, format: 'uuid' })
  @ApiQuery({ name: 'instanceId', required: false, type: String, format: 'uuid' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1 to 500, default 100' })
  @ApiOkResponse({ type: OutboxListDto })
  @ApiErrors(400, [403, 'A client-scoped token cannot use this route'])
  async list(
    @Query('status') status?: string,
    @Query('incidentId', new ParseUUIDPipe({ optional: true })) incidentId?: string,
    @Query('instanceId', new ParseUUIDPipe({ optional: true })) instanceId?: string,
    @Query('limit', new WholeNumberPipe('limit', 100)) limit = 100,
  ) {
    if (status && !STATUSES.includes(status as OutboxStatus))
      throw new BadRequestException(`status: must be one of ${STATUSES.join(', ')}`);
    const take = Math.min(Math.max(limit, 1), 500);
    const items = await this.ds.getRepository(OutboxMessage).find({
      where: {
        ...(status ? { status: status as OutboxStatus } : {}),
        ...(incidentId ? { incidentId } : {}),
        ...(instanceId ? { instanceId } : {}),
      },
      order: { id: 'DESC' },
      take,
    });
    return { items };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One outbox message with its payload, attempts and last error' })
  @ApiOkResponse({ type: OutboxMessageDto })
  @ApiErrors([403, 'A client-scoped token cannot use this route'], 404)
  async get(@Param('id') id: string) {
    const found = /^\d+$/.test(id)
      ? await this.ds.getRepository(OutboxMessage).findOneBy({ id })
      : null;
    if (!found) throw notFound('outbox message', id);
    return found;
  }

  @Post(':id/retry')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({
    summary: 'Deliver a dead, discarded or pending message again, from its first attempt',
  })
  @ApiOkResponse({ type: OutboxMessageDto })
  @ApiErrors(
    [400, 'The message is in a state this does not work on (the message says which)'],
    [403, 'Needs an operator or admin token that is not client-scoped'],
    404,
  )
  async retry(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    const result = await transitionOutboxMessage(this.ds, this.audit, who, id, 'retry');
    this.outbox.notify();
    return result;
  }

  @Post(':id/discard')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({ summary: 'Never deliver a dead or pending message; it is kept for the record' })
  @ApiOkResponse({ type: OutboxMessageDto })
  @ApiErrors(
    [400, 'The message is in a state this does not work on (the message says which)'],
    [403, 'Needs an operator or admin token that is not client-scoped'],
    404,
  )
  discard(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    return transitionOutboxMessage(this.ds, this.audit, who, id, 'discard');
  }
}
