import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../access/principal';
import { ReadinessService } from './readiness.service';

@ApiTags('readiness')
@ApiBearerAuth()
@Controller('api/v1')
export class ReadinessController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('devices/:id/readiness')
  @ApiOperation({ summary: 'Is this device safe to patch now? Ready or not, with every reason.' })
  device(@CurrentPrincipal() who: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.readiness.device(who, id);
  }

  @Get('clients/:id/readiness')
  @ApiOperation({ summary: "Readiness of each of the client's devices." })
  client(@CurrentPrincipal() who: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.readiness.client(who, id);
  }
}
