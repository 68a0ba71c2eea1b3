import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from './entities/api-token.entity';

/** Who is calling: resolved from the bearer token by the AccessGuard. */
export interface Principal {
  tokenId: string | null;
  name: string;
  role: Role;
  /** Set for client-scoped tokens: they see only this client's data. */
  clientId: string | null;
}

export const SYSTEM: Principal = { tokenId: null, name: 'system', role: 'admin', clientId: null };

export const ROLE_RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export const REQUIRED_ROLE = 'switchboard:role';
/** Minimum role for a route; GET routes default to viewer, others to operator. */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

export const UNSCOPED_ONLY = 'switchboard:unscoped';
/** Routes about the whole installation (connectors, tokens, outbox): no client-scoped tokens. */
export const UnscopedOnly = () => SetMetadata(UNSCOPED_ONLY, true);

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest().principal,
);
