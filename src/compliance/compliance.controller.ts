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
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors';
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
  {
    name: 'risk',
    type: String,
    description: 'Comma list of critical, high, medium, low, compliant',
  },
  { name: 'sort', type: String },
  { name: 'order', enum: ['asc', 'desc'] },
  { name: 'limit', type: Number, description: '1 to 1000' },
  { name: 'offset', type: Number },
  { name: 'format', enum: ['json', 'csv'], description: 'Or send Accept: text/csv' },
];

/** The query parameters both lists share. */
const ApiListQueries = () =>
  applyDecorators(...LIST_QUERIES.map((q) => ApiQuery({ ...q, required: false })));

/** A list answered as JSON, or as CSV for `format=csv` or `Accept: text/csv`. */
const ApiJsonOrCsv = (type: new () => unknown) =>
  ApiOkResponse({
    description: 'JSON, or a CSV attachment of every row the filter selects',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(type) } },
      'text/csv': { schema: { type: 'string' } },
    },
  });

function csv(res: Response, name: string, body: string): string {
  res.type('text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  return body;
}

/** Patch compliance per client and per device, the risk rule, and the 30-day trend. */
@ApiTags('compliance')
@ApiBearerAuth()
@Controller('api/v1/compliance')
@ApiErrors(401)
@ApiExtraModels(ClientComplianceListDto, DeviceComplianceListDto)
export class ComplianceController {
  constructor(private readonly compliance: ComplianceService) {}

  @Get()
  @ApiOperation({
    summary: 'Per client: device counts by risk and status',
    description:
      'Sort by risk (default), name, devices, noncompliant or compliant. The CSV has exactly the rows the filter selects, every page.',
  })
  @ApiQuery({ name: 'q', required: false, type: String, description: 'Part of the client name' })
  @ApiListQueries()
  @ApiJsonOrCsv(ClientComplianceListDto)
  @ApiErrors(400)
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
    type: String,
    description: 'Comma list of missing, failed, reboot-pending, compliant',
  })
  @ApiQuery({ name: 'os', required: false, type: String, description: 'Part of the OS name' })
  @ApiQuery({
    name: 'q',
    required: false,
    type: String,
    description: 'Part of the name or hostname, or the exact IP',
  })
  @ApiListQueries()
  @ApiJsonOrCsv(DeviceComplianceListDto)
  @ApiErrors(400, [404, 'No such client'])
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
  @ApiErrors(400, [404, 'No such device'])
  device(@CurrentPrincipal() who: Principal, @Param('deviceId', ParseUUIDPipe) id: string) {
    return this.compliance.device(who, id);
  }

  @Get('trend')
  @ApiOperation({ summary: 'Daily snapshots of the last 30 days, summed over visible clients' })
  @ApiQuery({ name: 'clientId', required: false, type: String, format: 'uuid' })
  @ApiOkResponse({ type: [TrendPointDto] })
  @ApiErrors(400, [404, 'No such client'])
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
  @ApiErrors(
    [400, 'A setting out of range or unknown (each named)'],
    [403, 'Needs an admin token that is not client-scoped'],
    415,
  )
  setDefault(@CurrentPrincipal() who: Principal, @Body() body: Record<string, unknown>) {
    return this.compliance.setRules(who, null, body);
  }

  @Get('rules/clients/:clientId')
  @ApiOperation({ summary: "One client's effective rule and where it comes from" })
  @ApiOkResponse({ type: EffectiveRuleDto })
  @ApiErrors(400, [404, 'No such client'])
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
  @ApiErrors(
    [400, 'Not a UUID, or a setting out of range or unknown (each named)'],
    [403, 'Needs an admin token that is not client-scoped'],
    404,
    415,
  )
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
  @ApiNoContentResponse({ description: 'Dropped (also when there was none)' })
  @ApiErrors(400, [403, 'Needs an admin token that is not client-scoped'], [404, 'No such client'])
  async clearClient(
    @CurrentPrincipal() who: Principal,
    @Param('clientId', ParseUUIDPipe) clientId: string,
  ) {
    await this.compliance.clearClientRules(who, clientId);
  }
}
