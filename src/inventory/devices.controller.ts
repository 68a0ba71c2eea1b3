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
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors';
import { ClientListDto } from './dto/client.dto';
import { DeviceDetailDto } from './dto/device-detail.dto';
import { DeviceLinkDto } from './dto/device-link.dto';
import { DeviceListDto } from './dto/device.dto';
import { CurrentPrincipal, RequireRole, UnscopedOnly, type Principal } from '../access/principal';
import { DevicesService } from './devices.service';
import { MoveLinkDto } from './dto/move-link.dto';
import { WholeNumberPipe } from '../common/query-pipes';

@ApiTags('inventory')
@ApiBearerAuth()
@Controller('api/v1')
@ApiErrors(401)
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Get('devices')
  @ApiOperation({
    summary: 'List devices by name, filtered by client, text or single-tool devices',
  })
  @ApiQuery({ name: 'clientId', required: false, type: String, format: 'uuid' })
  @ApiQuery({ name: 'q', required: false, description: 'Name, hostname, FQDN or exact IP' })
  @ApiQuery({
    name: 'unmatched',
    required: false,
    type: Boolean,
    description: 'Only devices known to a single tool',
  })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1 to 1000, default 100' })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'Default 0' })
  @ApiOkResponse({ type: DeviceListDto })
  @ApiErrors(400)
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
  @ApiOperation({ summary: "One device with its client, each tool's record and recent events" })
  @ApiOkResponse({ type: DeviceDetailDto })
  @ApiErrors(400, 404)
  get(@CurrentPrincipal() who: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.devices.get(who, id);
  }

  @Get('clients')
  @ApiOperation({ summary: 'List clients by name (a client-scoped token sees its own)' })
  @ApiOkResponse({ type: ClientListDto })
  clients(@CurrentPrincipal() who: Principal) {
    return this.devices.listClients(who);
  }

  @Put('device-links/:id')
  @RequireRole('operator')
  @UnscopedOnly()
  @ApiOperation({
    summary: "Move a tool's device record to another device (manual match override)",
  })
  @ApiOkResponse({ type: DeviceLinkDto, description: 'The record, on its new device' })
  @ApiErrors(
    [400, 'Not a UUID, or no such target device'],
    [403, 'Needs an operator or admin token that is not client-scoped'],
    [404, 'No such device link'],
    415,
  )
  move(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: MoveLinkDto,
  ) {
    return this.devices.moveLink(who, id, dto.deviceId);
  }
}
