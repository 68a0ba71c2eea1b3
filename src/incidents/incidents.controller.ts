import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors';
import { IncidentDetailDto } from './dto/incident-detail.dto';
import { IncidentSuspectDto } from './dto/incident-suspect.dto';
import { IncidentDto, IncidentListDto } from './dto/incident.dto';
import { CurrentPrincipal, type Principal } from '../access/principal';
import { ResolveIncidentDto } from './dto/resolve-incident.dto';
import { IncidentsService } from './incidents.service';
import { IsoDatePipe, WholeNumberPipe } from '../common/query-pipes';

const STATES = ['open', 'mitigating', 'resolved'];

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('api/v1/incidents')
@ApiErrors(401)
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Get()
  @ApiOperation({
    summary: 'List incidents, newest first, filtered by client, device, state, cause or patch',
  })
  @ApiQuery({ name: 'clientId', required: false, type: String, format: 'uuid' })
  @ApiQuery({ name: 'deviceId', required: false, type: String, format: 'uuid' })
  @ApiQuery({ name: 'state', required: false, enum: STATES })
  @ApiQuery({
    name: 'cause',
    required: false,
    description: 'post-patch-reboot, post-patch, post-reboot, unknown, patch-wave',
  })
  @ApiQuery({
    name: 'patch',
    required: false,
    description: 'A KB number or package among the suspects',
  })
  @ApiQuery({
    name: 'since',
    required: false,
    type: String,
    format: 'date-time',
    description: 'ISO-8601: opened at or after',
  })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1 to 500, default 100' })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'Default 0' })
  @ApiOkResponse({ type: IncidentListDto })
  @ApiErrors(400)
  list(
    @CurrentPrincipal() who: Principal,
    @Query('clientId', new ParseUUIDPipe({ optional: true })) clientId?: string,
    @Query('deviceId', new ParseUUIDPipe({ optional: true })) deviceId?: string,
    @Query('state') state?: string,
    @Query('cause') cause?: string,
    @Query('patch') patch?: string,
    @Query('since', new IsoDatePipe('since')) since?: Date,
    @Query('limit', new WholeNumberPipe('limit', 100)) limit = 100,
    @Query('offset', new WholeNumberPipe('offset', 0)) offset = 0,
  ) {
    if (state && !STATES.includes(state))
      throw new BadRequestException(`state: must be one of ${STATES.join(', ')}`);
    return this.incidents.list(who, {
      clientId,
      deviceId,
      state,
      cause,
      patch,
      since,
      limit: Math.min(Math.max(limit, 1), 500),
      offset: Math.max(offset, 0),
    });
  }

  @Get(':id')
  @ApiOperation({
    summary:
      'One incident: timeline, evidence, suspects, alerts, tickets, outbox messages, rollbacks and wave children',
  })
  @ApiOkResponse({ type: IncidentDetailDto })
  @ApiErrors(400, 404)
  detail(@CurrentPrincipal() who: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.incidents.detail(who, id);
  }

  @Post(':id/suspects/:suspectId/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm a suspect as the cause of the incident' })
  @ApiOkResponse({ type: IncidentSuspectDto })
  @ApiErrors(
    400,
    [403, 'Needs an operator or admin token'],
    [404, 'No such incident, or no such suspect on it'],
  )
  confirm(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('suspectId', ParseUUIDPipe) suspectId: string,
  ) {
    return this.incidents.decideSuspect(who, id, suspectId, 'confirmed');
  }

  @Post(':id/suspects/:suspectId/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a suspect: it is not the cause' })
  @ApiOkResponse({ type: IncidentSuspectDto })
  @ApiErrors(
    400,
    [403, 'Needs an operator or admin token'],
    [404, 'No such incident, or no such suspect on it'],
  )
  reject(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('suspectId', ParseUUIDPipe) suspectId: string,
  ) {
    return this.incidents.decideSuspect(who, id, suspectId, 'rejected');
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve an incident by hand with a note; its ticket is closed' })
  @ApiOkResponse({ type: IncidentDto, description: 'The incident, resolved' })
  @ApiErrors(
    [400, 'No note, or the incident is already resolved'],
    [403, 'Needs an operator or admin token'],
    404,
    415,
  )
  resolve(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ResolveIncidentDto,
  ) {
    return this.incidents.resolve(who, id, dto.note);
  }
}
