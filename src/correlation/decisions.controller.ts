import { BadRequestException, Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, type Principal } from '../access/principal';
import { ApiErrors, notFound } from '../common/api-errors';
import { DecisionListDto } from './dto/decision.dto';
import { IsoDatePipe, WholeNumberPipe } from '../common/query-pipes';
import { Device } from '../inventory/entities/device.entity';
import { Decision, DECISION_OUTCOMES, type DecisionOutcome } from './decision.entity';

interface DecisionQuery {
  deviceId?: string;
  clientId?: string;
  outcome?: string;
  since?: Date;
  until?: Date;
  limit: number;
  offset: number;
}

/**
 * What Switchboard decided about each health event and why — the incidents it opened and every
 * decision that opened none (an expected reboot, a repeat, a maintenance window, a stale or
 * historical report), newest first.
 */
@ApiTags('decisions')
@ApiBearerAuth()
@Controller('api/v1')
@ApiErrors(401)
export class DecisionsController {
  constructor(private readonly ds: DataSource) {}

  @Get('decisions')
  @ApiOperation({
    summary: 'What correlation decided about each health event and why, newest first',
  })
  @ApiQuery({ name: 'deviceId', required: false, type: String, format: 'uuid' })
  @ApiQuery({ name: 'clientId', required: false, type: String, format: 'uuid' })
  @ApiQuery({ name: 'outcome', required: false, enum: DECISION_OUTCOMES })
  @ApiQuery({
    name: 'since',
    required: false,
    type: String,
    format: 'date-time',
    description: 'ISO-8601: decided at or after',
  })
  @ApiQuery({
    name: 'until',
    required: false,
    type: String,
    format: 'date-time',
    description: 'ISO-8601: decided before',
  })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1 to 500, default 100' })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'Default 0' })
  @ApiOkResponse({ type: DecisionListDto })
  @ApiErrors(400)
  list(
    @CurrentPrincipal() who: Principal,
    @Query('deviceId', new ParseUUIDPipe({ optional: true })) deviceId?: string,
    @Query('clientId', new ParseUUIDPipe({ optional: true })) clientId?: string,
    @Query('outcome') outcome?: string,
    @Query('since', new IsoDatePipe('since')) since?: Date,
    @Query('until', new IsoDatePipe('until')) until?: Date,
    @Query('limit', new WholeNumberPipe('limit', 100)) limit = 100,
    @Query('offset', new WholeNumberPipe('offset', 0)) offset = 0,
  ) {
    return this.query(who, { deviceId, clientId, outcome, since, until, limit, offset });
  }

  @Get('devices/:id/decisions')
  @ApiOperation({ summary: "One device's correlation decisions, newest first" })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1 to 500, default 100' })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'Default 0' })
  @ApiOkResponse({ type: DecisionListDto })
  @ApiErrors(400, 404)
  async forDevice(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query('limit', new WholeNumberPipe('limit', 100)) limit = 100,
    @Query('offset', new WholeNumberPipe('offset', 0)) offset = 0,
  ) {
    const device = await this.ds.getRepository(Device).findOneBy({ id });
    if (!device || (who.clientId && device.clientId !== who.clientId)) throw notFound('device', id);
    return this.query(who, { deviceId: id, limit, offset });
  }

  private async query(who: Principal, q: DecisionQuery) {
    if (q.outcome && !(DECISION_OUTCOMES as readonly string[]).includes(q.outcome))
      throw new BadRequestException(`outcome: must be one of ${DECISION_OUTCOMES.join(', ')}`);
    const qb = this.ds
      .getRepository(Decision)
      .createQueryBuilder('d')
      .orderBy('d.decided_at', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .take(Math.min(Math.max(q.limit, 1), 500))
      .skip(q.offset);
    // A client-scoped token sees its own client's decisions, whatever it asks for.
    const clientId = who.clientId ?? q.clientId;
    if (clientId) qb.andWhere('d.client_id = :clientId', { clientId });
    if (q.deviceId) qb.andWhere('d.device_id = :deviceId', { deviceId: q.deviceId });
    if (q.outcome) qb.andWhere('d.outcome = :outcome', { outcome: q.outcome as DecisionOutcome });
    if (q.since) qb.andWhere('d.decided_at >= :since', { since: q.since });
    if (q.until) qb.andWhere('d.decided_at < :until', { until: q.until });
    const [items, total] = await qb.getManyAndCount();
    return { items, total };
  }
}
