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
import { ClientLinksService } from './client-links.service';
import { MoveClientLinkDto } from './dto/move-client-link.dto';

@ApiTags('inventory')
@ApiBearerAuth()
@Controller('api/v1/client-links')
export class ClientLinksController {
  constructor(private readonly links: ClientLinksService) {}

  @Get()
  @ApiQuery({ name: 'clientId', required: false })
  @ApiQuery({ name: 'instanceId', required: false })
  @ApiQuery({ name: 'unmatched', required: false, description: 'Clients one tool alone knows' })
  @ApiQuery({
    name: 'suggested',
    required: false,
    description: 'Matches on a similar name nobody confirmed yet',
  })
  list(
    @CurrentPrincipal() who: Principal,
    @Query('clientId', new ParseUUIDPipe({ optional: true })) clientId?: string,
    @Query('instanceId', new ParseUUIDPipe({ optional: true })) instanceId?: string,
    @Query('unmatched', new DefaultValuePipe(false), ParseBoolPipe) unmatched = false,
    @Query('suggested', new DefaultValuePipe(false), ParseBoolPipe) suggested = false,
  ) {
    return this.links.list(who, { clientId, instanceId, unmatched, suggested });
  }

  @Put(':id')
  @RequireRole('operator')
  @UnscopedOnly()
  move(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: MoveClientLinkDto,
  ) {
    return this.links.move(who, id, dto.clientId);
  }
}
