import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
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
import { AuditService } from '../audit/audit.service';
import { ApiErrors, notFound } from '../common/api-errors';
import { CreateTokenDto } from './dto/create-token.dto';
import { IssuedTokenDto, TokenListDto } from './dto/token-answers.dto';
import { CurrentPrincipal, RequireRole, UnscopedOnly, type Principal } from './principal';
import { TokenService } from './token.service';
import type { ApiToken } from './entities/api-token.entity';

const view = (t: ApiToken) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  role: t.role,
  clientId: t.clientId,
  createdAt: t.createdAt,
  revokedAt: t.revokedAt,
  lastUsedAt: t.lastUsedAt,
});

@ApiTags('tokens')
@ApiBearerAuth()
@Controller('api/v1/tokens')
@RequireRole('admin')
@UnscopedOnly()
@ApiErrors(401, [403, 'Needs an admin token that is not client-scoped'])
export class TokensController {
  constructor(
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List API tokens (never their secrets)' })
  @ApiOkResponse({ type: TokenListDto })
  async list() {
    return { items: (await this.tokens.list()).map(view) };
  }

  @Post()
  @ApiOperation({ summary: 'Issue a token; its secret is in this answer only' })
  @ApiCreatedResponse({ type: IssuedTokenDto })
  @ApiErrors(400)
  async create(@Body() dto: CreateTokenDto, @CurrentPrincipal() who: Principal) {
    const { token, secret } = await this.tokens.issue(dto);
    await this.audit.record(who, {
      action: 'token.create',
      targetType: 'token',
      targetId: token.id,
      detail: { name: dto.name, role: dto.role, clientId: dto.clientId ?? null },
    });
    return { ...view(token), token: secret };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a token: it stops working within 5 s on every replica' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors(400, [404, 'No such token, or it is already revoked'])
  async revoke(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() who: Principal) {
    if (!(await this.tokens.revoke(id))) throw notFound('token', id);
    await this.audit.record(who, { action: 'token.revoke', targetType: 'token', targetId: id });
  }
}
