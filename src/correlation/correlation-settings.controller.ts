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
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole, UnscopedOnly, type Principal } from '../access/principal';
import { CorrelationSettingsService } from './correlation-settings.service';
import { ClientRoutesDto } from './dto/client-routes.dto';
import { CreateMaintenanceWindowDto } from './dto/maintenance-window.dto';

/** HTTP for rules per client, client routes and maintenance windows; the service decides. */
@ApiTags('rules')
@ApiBearerAuth()
@Controller('api/v1')
export class CorrelationSettingsController {
  constructor(private readonly settings: CorrelationSettingsService) {}

  @Get('rules')
  rules(@CurrentPrincipal() who: Principal) {
    return this.settings.rules(who);
  }

  @Get('rules/clients/:clientId')
  clientRules(
    @CurrentPrincipal() who: Principal,
    @Param('clientId', ParseUUIDPipe) clientId: string,
  ) {
    return this.settings.clientRules(who, clientId);
  }

  @Put('rules/clients/:clientId')
  @RequireRole('admin')
  @UnscopedOnly()
  @ApiBody({
    description:
      'A partial RuleSettings: windowHours, rebootGraceMinutes, verificationDelayMinutes, waveHours, waveMinDevices, recurrenceHours, criticalServices, knownIssues',
  })
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
  async clearClientRules(
    @CurrentPrincipal() who: Principal,
    @Param('clientId', ParseUUIDPipe) clientId: string,
  ) {
    await this.settings.clearClientRules(who, clientId);
  }

  @Get('clients/:clientId/routes')
  routes(@CurrentPrincipal() who: Principal, @Param('clientId', ParseUUIDPipe) clientId: string) {
    return this.settings.routes(who, clientId);
  }

  @Put('clients/:clientId/routes')
  @RequireRole('admin')
  @UnscopedOnly()
  setRoutes(
    @CurrentPrincipal() who: Principal,
    @Param('clientId', ParseUUIDPipe) clientId: string,
    @Body() dto: ClientRoutesDto,
  ) {
    return this.settings.setRoutes(who, clientId, dto);
  }

  @Get('maintenance-windows')
  windows(@CurrentPrincipal() who: Principal) {
    return this.settings.windows(who);
  }

  @Post('maintenance-windows')
  @RequireRole('operator')
  addWindow(@CurrentPrincipal() who: Principal, @Body() dto: CreateMaintenanceWindowDto) {
    return this.settings.addWindow(who, dto);
  }

  @Delete('maintenance-windows/:id')
  @HttpCode(204)
  @RequireRole('operator')
  async removeWindow(@CurrentPrincipal() who: Principal, @Param('id', ParseUUIDPipe) id: string) {
    await this.settings.removeWindow(who, id);
  }
}
