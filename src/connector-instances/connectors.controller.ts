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
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole, UnscopedOnly, type Principal } from '../access/principal';
import { ConnectorInstancesService } from './connector-instances.service';
import { ConnectorRegistry } from './connector-registry.service';
import { CreateConnectorDto } from './dto/create-connector.dto';
import { UpdateConnectorDto } from './dto/update-connector.dto';

@ApiTags('connectors')
@ApiBearerAuth()
@Controller('api/v1')
@UnscopedOnly()
export class ConnectorsController {
  constructor(
    private readonly instances: ConnectorInstancesService,
    private readonly registry: ConnectorRegistry,
  ) {}

  @Get('connector-kinds')
  kinds() {
    return { items: this.registry.describe() };
  }

  @Post('connectors')
  @RequireRole('admin')
  create(@Body() dto: CreateConnectorDto, @CurrentPrincipal() who: Principal) {
    return this.instances.create(dto, who);
  }

  @Get('connectors')
  async list() {
    return { items: await this.instances.list() };
  }

  @Get('connectors/:id')
  async get(@Param('id', ParseUUIDPipe) id: string) {
    return this.instances.view(await this.instances.get(id));
  }

  @Patch('connectors/:id')
  @RequireRole('admin')
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
  disable(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() who: Principal) {
    return this.instances.update(id, { enabled: false }, who);
  }

  @Post('connectors/:id/enable')
  @HttpCode(200)
  @RequireRole('admin')
  enable(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() who: Principal) {
    return this.instances.update(id, { enabled: true }, who);
  }

  @Post('connectors/:id/webhook-secret')
  @HttpCode(200)
  @RequireRole('admin')
  rotate(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() who: Principal) {
    return this.instances.rotateWebhookSecret(id, who);
  }

  @Delete('connectors/:id')
  @HttpCode(204)
  @RequireRole('admin')
  remove(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() who: Principal) {
    return this.instances.remove(id, who);
  }

  @Post('connectors/:id/check')
  @HttpCode(200)
  @RequireRole('operator')
  check(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() who: Principal) {
    return this.instances.check(id, who);
  }
}
