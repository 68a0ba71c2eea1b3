import type { Env } from '../config/env';
import type { TokenService } from './token.service';

/**
 * The first admin: SWITCHBOARD_BOOTSTRAP_TOKEN when set (automated setups), else a generated
 * token returned for printing once. Does nothing when an admin exists.
 */
export async function ensureAdminToken(tokens: TokenService, env: Env): Promise<string | null> {
  if (await tokens.hasActiveAdmin()) return null;
  if (env.SWITCHBOARD_BOOTSTRAP_TOKEN) {
    try {
      await tokens.issue({
        name: 'bootstrap',
        role: 'admin',
        secret: env.SWITCHBOARD_BOOTSTRAP_TOKEN,
      });
    } catch (err) {
      // Replicas starting together race to create it: the token existing is the goal.
      if ((err as { driverError?: { code?: string } }).driverError?.code !== '23505') throw err;
    }
    return null;
  }
  const { secret } = await tokens.issue({ name: 'first-admin', role: 'admin' });
  return secret;
}
