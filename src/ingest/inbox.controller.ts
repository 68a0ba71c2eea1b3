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
import { CurrentPrincipal, UnscopedOnly, type Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import { ApiErrors, notFound } from '../common/api-errors';
import { InboxEventDto, InboxListDto } from './dto/inbox-event.dto';
import { InboxEvent, type InboxStatus } from './entities/inbox-event.entity';
import { InboxService } from './inbox.service';
import { WholeNumberPipe } from '../common/query-pipes';

const STATUSES: InboxStatus[] = ['pending', 'processed', 'failed'];

/** The raw records as received: what failed normalization stays visible here, never dropped. */
@ApiTags('inbox')
@ApiBearerAuth()
@Controller('api/v1/inbox')
@UnscopedOnly()
@ApiErrors(401)
export class InboxController {
  constructor(
    private readonly ds: DataSource,
    private readonly inbox: InboxService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List raw inbox records, newest first; status=failed shows what failed',
  })
  @ApiQuery({ name: 'status', required: false, enum: STATUSES })
  @ApiQuery({ name: 'instanceId', required: false, type: String, format: 'uuid' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1 to 500, default 100' })
  @ApiOkResponse({ type: InboxListDto })
  @ApiErrors(400, [403, 'A client-scoped token cannot use this route'])
  async list(
    @Query('status') status?: string,
    @Query('instanceId', new ParseUUIDPipe({ optional: true })) instanceId?: string,
    @Query('limit', new WholeNumberPipe('limit', 100)) limit = 100,
  ) {
    if (status && !STATUSES.includes(status as InboxStatus))
      throw new BadRequestException(`status: must be one of ${STATUSES.join(', ')}`);
    const items = await this.ds.getRepository(InboxEvent).find({
      where: {
        ...(status ? { status: status as InboxStatus } : {}),
        ...(instanceId ? { instanceId } : {}),
      },
      order: { id: 'DESC' },
      take: Math.min(Math.max(limit, 1), 500),
    });
    return { items };
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Normalize a failed inbox record again' })
  @ApiOkResponse({ type: InboxEventDto, description: 'The record, pending again' })
  @ApiErrors(
    [403, 'Needs an operator or admin token that is not client-scoped'],
    [404, 'No failed inbox record with this id'],
  )
  async retry(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    if (!/^\d+$/.test(id)) throw notFound('inbox record', id);
    const result = await this.ds
      .getRepository(InboxEvent)
      .update({ id, status: 'failed' }, { status: 'pending', attempts: 0, error: null });
    if (!result.affected) throw notFound('failed inbox record', id);
    await this.audit.record(who, { action: 'inbox.retry', targetType: 'inbox', targetId: id });
    this.inbox.notify();
    return this.ds.getRepository(InboxEvent).findOneByOrFail({ id });
  }
}
