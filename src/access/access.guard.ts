import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from './entities/api-token.entity';
import { REQUIRED_ROLE, ROLE_RANK, UNSCOPED_ONLY, type Principal } from './principal';
import { TokenService } from './token.service';

/** Every /api/v1 route needs a bearer token with a sufficient role. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request & { principal?: Principal }>();
    if (!req.path.startsWith('/api/v1/')) return true;
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedException('Authorization: Bearer <token> is required');
    const principal = await this.tokens.resolve(match[1]);
    if (!principal) throw new UnauthorizedException('unknown or revoked token');
    const targets = [ctx.getHandler(), ctx.getClass()];
    const required: Role =
      this.reflector.getAllAndOverride<Role>(REQUIRED_ROLE, targets) ??
      (req.method === 'GET' ? 'viewer' : 'operator');
    if (ROLE_RANK[principal.role] < ROLE_RANK[required]) {
      throw new ForbiddenException(
        `this needs the ${required} role; the token has ${principal.role}`,
      );
    }
    if (principal.clientId && this.reflector.getAllAndOverride<boolean>(UNSCOPED_ONLY, targets)) {
      throw new ForbiddenException('a client-scoped token cannot use this route');
    }
    req.principal = principal;
    return true;
  }
}
