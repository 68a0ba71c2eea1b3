import {
  applyDecorators,
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, RequireRole, UnscopedOnly, type Principal } from '../access/principal';
import { clientQuery, deviceQuery, wantsCsv } from './compliance-query';
import { clientsCsv, csvFileName, devicesCsv } from './compliance-csv';
import { ComplianceService } from './compliance.service';
import {
  ClientComplianceListDto,
  ComplianceRulesDto,
  ComplianceSettingsBodyDto,
  DeviceComplianceDetailDto,
  DeviceComplianceListDto,
  EffectiveRuleDto,
  TrendPointDto,
} from './dto/compliance-answers.dto';

const LIST_QUERIES = [
  { name: 'risk', description: 'Comma list of critical, high, medium, low, compliant' },
  { name: 'sort' },
  { name: 'order', enum: ['asc', 'desc'] },
  { name: 'limit', description: '1 to 1000' },
  { name: 'offset' },
  { name: 'format', enum: ['json', 'csv'], description: 'Or send Accept: text/csv' },
];

/** The query parameters both lists share. */
const ApiListQueries = () =>
  applyDecorators(...LIST_QUERIES.map((q) => ApiQuery({ ...q, required: false })));

function csv(res: Response, name: string, body: string): string {
  res.type('text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  return body;
}

/** Patch compliance per client and per device, the risk rule, and the 30-day trend. */
@ApiTags('compliance')
@ApiBearerAuth()
@Controller('api/v1/compliance')
export class ComplianceController {
  constructor(private readonly compliance: ComplianceService) {}

  @Get()
  @ApiOperation({
    summary: 'Per client: device counts by risk and status',
    description:
      'Sort by risk (default), name, devices, noncompliant or compliant. The CSV has exactly the rows the filter selects, every page.',
  })
  @ApiQuery({ name: 'q', required: false, description: 'Part of the client name' })
  @ApiListQueries()
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: ClientComplianceListDto })
  async clients(
    @CurrentPrincipal() who: Principal,
    @Query() raw: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const query = clientQuery(raw);
    if (!wantsCsv(raw.format, accept)) return this.compliance.clients(who, query);
    const all = await this.compliance.clients(who, { ...query, limit: 1_000_000, offset: 0 });
    return csv(res, 'compliance-clients', clientsCsv(all.items));
  }

  @Get('clients/:clientId')
  @ApiOperation({
    summary: 'Per device of one client: risk, missing and failed patches, pending reboot',
    description:
      'Sort by risk (default), name, os, missing, failed, critical-age, reboot, last-seen or last-installed. The CSV has exactly the rows the filter selects, every page.',
  })
  @ApiQuery({
    name: 'status',
    required: false,
    description: 'Comma list of missing, failed, reboot-pending, compliant',
  })
  @ApiQuery({ name: 'os', required: false, description: 'Part of the OS name' })
  @ApiQuery({
    name: 'q',
    required: false,
    description: 'Part of the name or hostname, or the exact IP',
  })
  @ApiListQueries()
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: DeviceComplianceListDto })
  async devices(
    @CurrentPrincipal() who: Principal,
    @Param('clientId', ParseUUIDPipe) clientId: string,
    @Query() raw: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const query = deviceQuery(raw);
    if (!wantsCsv(raw.format, accept)) return this.compliance.devices(who, clientId, query);
    const all = await this.compliance.devices(who, clientId, query, true);
    return csv(res, csvFileName(all.client.name), devicesCsv(all.client.name, all.items));
  }

  @Get('devices/:deviceId')
  @ApiOperation({ summary: 'One device: its risk and every patch it misses or failed, with age' })
  @ApiOkResponse({ type: DeviceComplianceDetailDto })
  device(@CurrentPrincipal() who: Principal, @Param('deviceId', ParseUUIDPipe) id: string) {
    return this.compliance.device(who, id);
  }

  @Get('trend')
  @ApiOperation({ summary: 'Daily snapshots of the last 30 days, summed over visible clients' })
  @ApiQuery({ name: 'clientId', required: false })
  @ApiOkResponse({ type: [TrendPointDto] })
  trend(
    @CurrentPrincipal() who: Principal,
    @Query('clientId', new ParseUUIDPipe({ optional: true })) clientId?: string,
  ) {
    return this.compliance.trend(who, clientId ?? null);
  }

  @Get('rules')
  @ApiOperation({ summary: 'The risk rule: built-in exclusions, the default, client overrides' })
  @ApiOkResponse({ type: ComplianceRulesDto })
  rules(@CurrentPrincipal() who: Principal) {
    return this.compliance.rules(who);
  }

  @Put('rules')
  @RequireRole('admin')
  @UnscopedOnly()
  @ApiOperation({ summary: 'Set the default rule (a partial body replaces the stored default)' })
  @ApiBody({ type: ComplianceSettingsBodyDto })
  @ApiOkResponse({ type: ComplianceRulesDto })
  setDefault(@CurrentPrincipal() who: Principal, @Body() body: Record<string, unknown>) {
    return this.compliance.setRules(who, null, body);
  }

  @Get('rules/clients/:clientId')
  @ApiOperation({ summary: "One client's effective rule and where it comes from" })
  @ApiOkResponse({ type: EffectiveRuleDto })
  async clientRule(
    @CurrentPrincipal() who: Principal,
    @Param('clientId', ParseUUIDPipe) clientId: string,
  ) {
    await this.compliance.devices(who, clientId, deviceQuery({ limit: '1' }));
    return this.compliance.effective(clientId);
  }

  @Put('rules/clients/:clientId')
  @RequireRole('admin')
  @UnscopedOnly()
  @ApiOperation({ summary: 'Override the rule for one client (a partial body)' })
  @ApiBody({ type: ComplianceSettingsBodyDto })
  @ApiOkResponse({ type: EffectiveRuleDto })
  setClient(
    @CurrentPrincipal() who: Principal,
    @Param('clientId', ParseUUIDPipe) clientId: string,
    @Body() body: Record<string, unknown>,
  ) {
    return this.compliance.setRules(who, clientId, body);
  }

  @Delete('rules/clients/:clientId')
  @HttpCode(204)
  @RequireRole('admin')
  @UnscopedOnly()
  @ApiOperation({ summary: "Drop a client's override: the default applies again" })
  @ApiNoContentResponse()
  async clearClient(
    @CurrentPrincipal() who: Principal,
    @Param('clientId', ParseUUIDPipe) clientId: string,
  ) {
    await this.compliance.clearClientRules(who, clientId);
  }
}
