import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { newSecret, sha256Hex } from '../common/crypto';
import { ApiToken, type Role } from './entities/api-token.entity';
import type { Principal } from './principal';

export interface IssuedToken {
  token: ApiToken;
  /** Shown once: only its hash is stored. */
  secret: string;
}

const CACHE_MS = 5_000;

@Injectable()
export class TokenService {
  private readonly cache = new Map<string, { principal: Principal | null; until: number }>();

  constructor(private readonly ds: DataSource) {}

  async issue(input: {
    name: string;
    role: Role;
    clientId?: string | null;
    secret?: string;
  }): Promise<IssuedToken> {
    const secret = input.secret ?? newSecret('sb');
    const token = this.ds.getRepository(ApiToken).create({
      id: randomUUID(),
      name: input.name,
      tokenHash: sha256Hex(secret),
      prefix: secret.slice(0, 7),
      role: input.role,
      clientId: input.clientId ?? null,
      createdAt: new Date(),
      revokedAt: null,
      lastUsedAt: null,
    });
    await this.ds.getRepository(ApiToken).insert(token);
    return { token, secret };
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.ds
      .getRepository(ApiToken)
      .update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
    this.cache.clear();
    return (result.affected ?? 0) > 0;
  }

  list(): Promise<ApiToken[]> {
    return this.ds.getRepository(ApiToken).find({ order: { createdAt: 'ASC' } });
  }

  async hasActiveAdmin(): Promise<boolean> {
    return (
      (await this.ds
        .getRepository(ApiToken)
        .count({ where: { role: 'admin', revokedAt: IsNull(), clientId: IsNull() } })) > 0
    );
  }

  /** Resolves a bearer secret; cached briefly because every API call needs it. */
  async resolve(secret: string): Promise<Principal | null> {
    const hash = sha256Hex(secret);
    const hit = this.cache.get(hash);
    if (hit && hit.until > Date.now()) return hit.principal;
    const token = await this.ds
      .getRepository(ApiToken)
      .findOne({ where: { tokenHash: hash, revokedAt: IsNull() } });
    const principal: Principal | null = token
      ? { tokenId: token.id, name: token.name, role: token.role, clientId: token.clientId }
      : null;
    if (token)
      await this.ds.getRepository(ApiToken).update({ id: token.id }, { lastUsedAt: new Date() });
    this.cache.set(hash, { principal, until: Date.now() + CACHE_MS });
    return principal;
  }
}
