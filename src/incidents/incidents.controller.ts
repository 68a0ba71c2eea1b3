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
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../access/principal';
import { ResolveIncidentDto } from './dto/resolve-incident.dto';
import { IncidentsService } from './incidents.service';
import { IsoDatePipe, WholeNumberPipe } from '../common/query-pipes';

const STATES = ['open', 'mitigating', 'resolved'];

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('api/v1/incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Get()
  @ApiQuery({ name: 'clientId', required: false })
  @ApiQuery({ name: 'deviceId', required: false })
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
  @ApiQuery({ name: 'since', required: false, description: 'ISO-8601: opened at or after' })
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
  detail(@CurrentPrincipal() who: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.incidents.detail(who, id);
  }

  @Post(':id/suspects/:suspectId/confirm')
  @HttpCode(200)
  confirm(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('suspectId', ParseUUIDPipe) suspectId: string,
  ) {
    return this.incidents.decideSuspect(who, id, suspectId, 'confirmed');
  }

  @Post(':id/suspects/:suspectId/reject')
  @HttpCode(200)
  reject(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('suspectId', ParseUUIDPipe) suspectId: string,
  ) {
    return this.incidents.decideSuspect(who, id, suspectId, 'rejected');
  }

  @Post(':id/resolve')
  @HttpCode(200)
  resolve(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ResolveIncidentDto,
  ) {
    return this.incidents.resolve(who, id, dto.note);
  }
}
