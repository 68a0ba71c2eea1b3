import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors';
import { ClientReadinessDto, DeviceReadinessDto } from './dto/readiness-answers.dto';
import { CurrentPrincipal, type Principal } from '../access/principal';
import { ReadinessService } from './readiness.service';

@ApiTags('readiness')
@ApiBearerAuth()
@Controller('api/v1')
@ApiErrors(401, 400, 404)
export class ReadinessController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('devices/:id/readiness')
  @ApiOperation({ summary: 'Is this device safe to patch now? Ready or not, with every reason.' })
  @ApiOkResponse({ type: DeviceReadinessDto })
  device(@CurrentPrincipal() who: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.readiness.device(who, id);
  }

  @Get('clients/:id/readiness')
  @ApiOperation({ summary: "Readiness of each of the client's devices." })
  @ApiOkResponse({ type: ClientReadinessDto })
  client(@CurrentPrincipal() who: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.readiness.client(who, id);
  }
}
