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
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, UnscopedOnly, type Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import { notFound } from '../common/api-errors';
import { InboxEvent, type InboxStatus } from './entities/inbox-event.entity';
import { InboxService } from './inbox.service';
import { WholeNumberPipe } from '../common/query-pipes';

const STATUSES: InboxStatus[] = ['pending', 'processed', 'failed'];

/** The raw records as received: what failed normalization stays visible here, never dropped. */
@ApiTags('inbox')
@ApiBearerAuth()
@Controller('api/v1/inbox')
@UnscopedOnly()
export class InboxController {
  constructor(
    private readonly ds: DataSource,
    private readonly inbox: InboxService,
    private readonly audit: AuditService,
  ) {}

  @Get()
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
