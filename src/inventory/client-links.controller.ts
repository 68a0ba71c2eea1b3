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
import { ClientLinkDto, ClientLinkListDto } from './dto/client-link-answers.dto';
import { CurrentPrincipal, RequireRole, UnscopedOnly, type Principal } from '../access/principal';
import { ClientLinksService } from './client-links.service';
import { MoveClientLinkDto } from './dto/move-client-link.dto';

@ApiTags('inventory')
@ApiBearerAuth()
@Controller('api/v1/client-links')
@ApiErrors(401)
export class ClientLinksController {
  constructor(private readonly links: ClientLinksService) {}

  @Get()
  @ApiOperation({ summary: "Each tool's record of a client and the client it was matched to" })
  @ApiQuery({ name: 'clientId', required: false, type: String, format: 'uuid' })
  @ApiQuery({ name: 'instanceId', required: false, type: String, format: 'uuid' })
  @ApiQuery({
    name: 'unmatched',
    required: false,
    type: Boolean,
    description: 'Clients one tool alone knows',
  })
  @ApiQuery({
    name: 'suggested',
    required: false,
    type: Boolean,
    description: 'Matches on a similar name nobody confirmed yet',
  })
  @ApiOkResponse({ type: ClientLinkListDto })
  @ApiErrors(400)
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
  @ApiOperation({
    summary: "Confirm a tool's client record (same client) or move it to another with its devices",
  })
  @ApiOkResponse({ type: ClientLinkDto })
  @ApiErrors(
    [400, 'Not a UUID, or no such target client'],
    [403, 'Needs an operator or admin token that is not client-scoped'],
    [404, 'No such client link'],
    415,
  )
  move(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: MoveClientLinkDto,
  ) {
    return this.links.move(who, id, dto.clientId);
  }
}
