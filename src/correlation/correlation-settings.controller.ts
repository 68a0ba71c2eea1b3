import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors';
import { CurrentPrincipal, RequireRole, UnscopedOnly, type Principal } from '../access/principal';
import { CorrelationSettingsService } from './correlation-settings.service';
import { ClientRoutesDto } from './dto/client-routes.dto';
import { ClientRoutesAnswerDto } from './dto/client-routes-answer.dto';
import { CreateMaintenanceWindowDto } from './dto/maintenance-window.dto';
import {
  MaintenanceWindowDto,
  MaintenanceWindowListDto,
} from './dto/maintenance-window-answers.dto';
import { RuleSettingsBodyDto } from './dto/rule-settings-body.dto';
import { ClientRulesDto, RulesOverviewDto } from './dto/rules-answers.dto';

/** HTTP for rules per client, client routes and maintenance windows; the service decides. */
@ApiTags('rules')
@ApiBearerAuth()
@Controller('api/v1')
@ApiErrors(401)
export class CorrelationSettingsController {
  constructor(private readonly settings: CorrelationSettingsService) {}

  @Get('rules')
  @ApiOperation({ summary: 'The default correlation rules and every client override' })
  @ApiOkResponse({ type: RulesOverviewDto })
  rules(@CurrentPrincipal() who: Principal) {
    return this.settings.rules(who);
  }

  @Get('rules/clients/:clientId')
  @ApiOperation({ summary: "One client's rule override and the rules in effect for it" })
  @ApiOkResponse({ type: ClientRulesDto })
  @ApiErrors(400, 404)
  clientRules(
    @CurrentPrincipal() who: Principal,
    @Param('clientId', ParseUUIDPipe) clientId: string,
  ) {
    return this.settings.clientRules(who, clientId);
  }

  @Put('rules/clients/:clientId')
  @RequireRole('admin')
  @UnscopedOnly()
  @ApiOperation({
    summary: "Set a client's rule override (a partial body: the rest keeps the defaults)",
  })
  @ApiBody({
    type: RuleSettingsBodyDto,
    description:
      'A partial RuleSettings; it replaces the stored override. An unknown field is a 400.',
  })
  @ApiOkResponse({ type: ClientRulesDto })
  @ApiErrors(
    [400, 'Not a UUID, or a setting out of range or unknown (each named)'],
    [403, 'Needs an admin token that is not client-scoped'],
    404,
    415,
  )
  setClientRules(
    @CurrentPrincipal() who: Principal,
    @Param('clientId', ParseUUIDPipe) clientId: string,
    @Body() body: Record<string, unknown>,
  ) {
    return this.settings.setClientRules(who, clientId, body);
  }

  @Delete('rules/clients/:clientId')
  @HttpCode(204)
  @RequireRole('admin')
  @UnscopedOnly()
  @ApiOperation({ summary: "Drop a client's rule override: the defaults apply again" })
  @ApiNoContentResponse({ description: 'Dropped (also when there was none)' })
  @ApiErrors(400, [403, 'Needs an admin token that is not client-scoped'])
  async clearClientRules(
    @CurrentPrincipal() who: Principal,
    @Param('clientId', ParseUUIDPipe) clientId: string,
  ) {
    await this.settings.clearClientRules(who, clientId);
  }

  @Get('clients/:clientId/routes')
  @ApiOperation({ summary: 'Which instances serve a client for alerts, tickets, RMM and paging' })
  @ApiOkResponse({ type: ClientRoutesAnswerDto })
  @ApiErrors(400, 404)
  routes(@CurrentPrincipal() who: Principal, @Param('clientId', ParseUUIDPipe) clientId: string) {
    return this.settings.routes(who, clientId);
  }

  @Put('clients/:clientId/routes')
  @RequireRole('admin')
  @UnscopedOnly()
  @ApiOperation({ summary: 'Set which instances serve a client; a purpose left out is kept' })
  @ApiOkResponse({ type: ClientRoutesAnswerDto })
  @ApiErrors(
    [400, 'Not a UUID, or an unknown connector instance'],
    [403, 'Needs an admin token that is not client-scoped'],
    404,
    415,
  )
  setRoutes(
    @CurrentPrincipal() who: Principal,
    @Param('clientId', ParseUUIDPipe) clientId: string,
    @Body() dto: ClientRoutesDto,
  ) {
    return this.settings.setRoutes(who, clientId, dto);
  }

  @Get('maintenance-windows')
  @ApiOperation({ summary: 'List maintenance windows, latest start first' })
  @ApiOkResponse({ type: MaintenanceWindowListDto })
  windows(@CurrentPrincipal() who: Principal) {
    return this.settings.windows(who);
  }

  @Post('maintenance-windows')
  @RequireRole('operator')
  @ApiOperation({
    summary: 'Add a maintenance window for a client or a device: its incidents page nobody',
  })
  @ApiCreatedResponse({ type: MaintenanceWindowDto })
  @ApiErrors(
    [400, 'No client or device, an end before the start, or an unknown device'],
    [403, 'Needs an operator or admin token'],
    [404, 'No such client'],
    415,
  )
  addWindow(@CurrentPrincipal() who: Principal, @Body() dto: CreateMaintenanceWindowDto) {
    return this.settings.addWindow(who, dto);
  }

  @Delete('maintenance-windows/:id')
  @HttpCode(204)
  @RequireRole('operator')
  @ApiOperation({ summary: 'Remove a maintenance window' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors(400, [403, 'Needs an operator or admin token'], 404)
  async removeWindow(@CurrentPrincipal() who: Principal, @Param('id', ParseUUIDPipe) id: string) {
    await this.settings.removeWindow(who, id);
  }
}
