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
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource, In } from 'typeorm';
import { CurrentPrincipal, RequireRole, UnscopedOnly, type Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import { notFound } from '../common/api-errors';
import { OutboxMessage, type OutboxStatus } from './entities/outbox-message.entity';
import { OutboxService } from './outbox.service';
import { WholeNumberPipe } from '../common/query-pipes';

const STATUSES: OutboxStatus[] = ['pending', 'delivering', 'delivered', 'dead', 'discarded'];

@ApiTags('outbox')
@ApiBearerAuth()
@Controller('api/v1/outbox')
@UnscopedOnly()
export class OutboxController {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  @Get()
  @ApiQuery({ name: 'status', required: false, enum: STATUSES })
  @ApiQuery({ name: 'incidentId', required: false })
  @ApiQuery({ name: 'instanceId', required: false })
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
  async retry(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    const result = await this.transition(
      id,
      ['dead', 'discarded', 'pending'],
      { status: 'pending', attempts: 0, nextAttemptAt: new Date() },
      who,
      'outbox.retry',
    );
    this.outbox.notify();
    return result;
  }

  @Post(':id/discard')
  @HttpCode(200)
  @RequireRole('operator')
  discard(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    return this.transition(id, ['dead', 'pending'], { status: 'discarded' }, who, 'outbox.discard');
  }

  private async transition(
    id: string,
    from: OutboxStatus[],
    patch: Partial<OutboxMessage>,
    who: Principal,
    action: string,
  ) {
    if (!/^\d+$/.test(id)) throw notFound('outbox message', id);
    return this.ds.transaction(async (m) => {
      const repo = m.getRepository(OutboxMessage);
      const current = await repo.findOneBy({ id });
      if (!current) throw notFound('outbox message', id);
      const result = await repo.update(
        { id, status: In(from) },
        { ...patch, updatedAt: new Date() },
      );
      if (!result.affected)
        throw new BadRequestException(
          `status: message ${id} is ${current.status}; this works on ${from.join(' or ')}`,
        );
      await this.audit.record(
        who,
        { action, targetType: 'outbox', targetId: id, detail: { from: current.status } },
        m,
      );
      return repo.findOneByOrFail({ id });
    });
  }
}
