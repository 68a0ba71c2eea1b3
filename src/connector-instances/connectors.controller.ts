import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole, UnscopedOnly, type Principal } from '../access/principal';
import { ApiErrors } from '../common/api-errors';
import { ConnectorInstancesService } from './connector-instances.service';
import { ConnectorRegistry } from './connector-registry.service';
import { CreateConnectorDto } from './dto/create-connector.dto';
import { UpdateConnectorDto } from './dto/update-connector.dto';
import { ConnectorCheckDto } from './dto/connector-check.dto';
import { ConnectorKindListDto } from './dto/connector-kind.dto';
import { ConnectorDto, ConnectorListDto } from './dto/connector.dto';
import { CreatedConnectorDto } from './dto/created-connector.dto';
import { WebhookCredentialsDto } from './dto/webhook-credentials.dto';

@ApiTags('connectors')
@ApiBearerAuth()
@Controller('api/v1')
@UnscopedOnly()
@ApiErrors(401)
export class ConnectorsController {
  constructor(
    private readonly instances: ConnectorInstancesService,
    private readonly registry: ConnectorRegistry,
  ) {}

  @Get('connector-kinds')
  @ApiOperation({ summary: 'List the connector kinds, their capabilities and settings' })
  @ApiOkResponse({ type: ConnectorKindListDto })
  @ApiErrors([403, 'A client-scoped token cannot use this route'])
  kinds() {
    return { items: this.registry.describe() };
  }

  @Post('connectors')
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Configure a connector instance; the answer holds its webhook secret once',
  })
  @ApiCreatedResponse({ type: CreatedConnectorDto })
  @ApiErrors(
    [400, 'Unknown kind, or settings the kind refuses (each named)'],
    [403, 'Needs an admin token that is not client-scoped'],
    415,
  )
  create(@Body() dto: CreateConnectorDto, @CurrentPrincipal() who: Principal) {
    return this.instances.create(dto, who);
  }

  @Get('connectors')
  @ApiOperation({ summary: 'List connector instances with their polling, circuit and budget' })
  @ApiOkResponse({ type: ConnectorListDto })
  @ApiErrors([403, 'A client-scoped token cannot use this route'])
  async list() {
    return { items: await this.instances.list() };
  }

  @Get('connectors/:id')
  @ApiOperation({ summary: 'One connector instance with its polling, circuit and budget' })
  @ApiOkResponse({ type: ConnectorDto })
  @ApiErrors(400, [403, 'A client-scoped token cannot use this route'], 404)
  async get(@Param('id', ParseUUIDPipe) id: string) {
    return this.instances.view(await this.instances.get(id));
  }

  @Patch('connectors/:id')
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Change a connector instance; settings merge, omitted secrets are kept',
  })
  @ApiOkResponse({ type: ConnectorDto })
  @ApiErrors(400, [403, 'Needs an admin token that is not client-scoped'], 404, 415)
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateConnectorDto,
    @CurrentPrincipal() who: Principal,
  ) {
    return this.instances.update(id, dto, who);
  }

  @Post('connectors/:id/disable')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Disable an instance: it stops polling and its webhook answers 404' })
  @ApiOkResponse({ type: ConnectorDto })
  @ApiErrors(400, [403, 'Needs an admin token that is not client-scoped'], 404)
  disable(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() who: Principal) {
    return this.instances.update(id, { enabled: false }, who);
  }

  @Post('connectors/:id/enable')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Enable an instance again' })
  @ApiOkResponse({ type: ConnectorDto })
  @ApiErrors(400, [403, 'Needs an admin token that is not client-scoped'], 404)
  enable(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() who: Principal) {
    return this.instances.update(id, { enabled: true }, who);
  }

  @Post('connectors/:id/webhook-secret')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Rotate the webhook secret; the new one is in this answer only' })
  @ApiOkResponse({ type: WebhookCredentialsDto })
  @ApiErrors(
    [400, 'Not a UUID, or the kind receives no webhooks'],
    [403, 'Needs an admin token that is not client-scoped'],
    404,
  )
  rotate(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() who: Principal) {
    return this.instances.rotateWebhookSecret(id, who);
  }

  @Delete('connectors/:id')
  @HttpCode(204)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Delete a connector instance' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, [403, 'Needs an admin token that is not client-scoped'], 404)
  remove(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() who: Principal) {
    return this.instances.remove(id, who);
  }

  @Post('connectors/:id/check')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({ summary: 'Probe each declared capability against the tool: ok, denied or error' })
  @ApiOkResponse({ type: ConnectorCheckDto })
  @ApiErrors(400, [403, 'Needs an operator or admin token that is not client-scoped'], 404)
  check(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() who: Principal) {
    return this.instances.check(id, who);
  }
}
