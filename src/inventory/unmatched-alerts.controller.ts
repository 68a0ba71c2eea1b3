import { BadRequestException, Controller, Get, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, type Principal } from '../access/principal';
import { ApiErrors } from '../common/api-errors';
import { WholeNumberPipe } from '../common/query-pipes';
import { UnmatchedAlertListDto } from './dto/unmatched-alert.dto';
import { listUnmatchedAlerts, UNMATCHED_STATES, type UnmatchedState } from './unmatched-alerts';

@ApiTags('inventory')
@ApiBearerAuth()
@Controller('api/v1')
@ApiErrors(401)
export class UnmatchedAlertsController {
  constructor(private readonly ds: DataSource) {}

  @Get('alerts/unmatched')
  @ApiOperation({
    summary: 'Alerts that named no device, kept per problem (fix the mapping, then they match)',
  })
  @ApiQuery({ name: 'state', required: false, enum: UNMATCHED_STATES, description: 'Default open' })
  @ApiQuery({ name: 'instanceId', required: false, type: String, format: 'uuid' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1 to 1000, default 100' })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'Default 0' })
  @ApiOkResponse({ type: UnmatchedAlertListDto })
  @ApiErrors(400)
  list(
    @CurrentPrincipal() who: Principal,
    @Query('state') state: string = 'open',
    @Query('instanceId', new ParseUUIDPipe({ optional: true })) instanceId?: string,
    @Query('limit', new WholeNumberPipe('limit', 100)) limit = 100,
    @Query('offset', new WholeNumberPipe('offset', 0)) offset = 0,
  ) {
    if (!(UNMATCHED_STATES as readonly string[]).includes(state))
      throw new BadRequestException(`state: must be one of ${UNMATCHED_STATES.join(', ')}`);
    return listUnmatchedAlerts(this.ds, {
      state: state as UnmatchedState,
      instanceId,
      // A client-scoped token sees only alerts its client's label put on them.
      clientId: who.clientId ?? undefined,
      limit: Math.min(Math.max(limit, 1), 1000),
      offset: Math.max(offset, 0),
    });
  }
}
