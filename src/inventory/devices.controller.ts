import {
  Body,
  Controller,
  DefaultValuePipe,
  Get,
  Param,
  ParseBoolPipe,
  ParseUUIDPipe,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole, UnscopedOnly, type Principal } from '../access/principal';
import { DevicesService } from './devices.service';
import { MoveLinkDto } from './dto/move-link.dto';
import { WholeNumberPipe } from '../common/query-pipes';

@ApiTags('inventory')
@ApiBearerAuth()
@Controller('api/v1')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Get('devices')
  @ApiQuery({ name: 'clientId', required: false })
  @ApiQuery({ name: 'q', required: false, description: 'Name, hostname, FQDN or exact IP' })
  @ApiQuery({
    name: 'unmatched',
    required: false,
    description: 'Only devices known to a single tool',
  })
  list(
    @CurrentPrincipal() who: Principal,
    @Query('clientId', new ParseUUIDPipe({ optional: true })) clientId?: string,
    @Query('q') q?: string,
    @Query('unmatched', new DefaultValuePipe(false), ParseBoolPipe) unmatched = false,
    @Query('limit', new WholeNumberPipe('limit', 100)) limit = 100,
    @Query('offset', new WholeNumberPipe('offset', 0)) offset = 0,
  ) {
    return this.devices.list(who, {
      clientId,
      q,
      unmatched,
      limit: Math.min(Math.max(limit, 1), 1000),
      offset: Math.max(offset, 0),
    });
  }

  @Get('devices/:id')
  get(@CurrentPrincipal() who: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.devices.get(who, id);
  }

  @Get('clients')
  clients(@CurrentPrincipal() who: Principal) {
    return this.devices.listClients(who);
  }

  @Put('device-links/:id')
  @RequireRole('operator')
  @UnscopedOnly()
  move(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: MoveLinkDto,
  ) {
    return this.devices.moveLink(who, id, dto.deviceId);
  }
}
