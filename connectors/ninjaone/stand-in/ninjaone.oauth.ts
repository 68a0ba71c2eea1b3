import { randomBytes } from 'node:crypto';
import { json, type StandInRequest, type StandInResponse } from '../../shared/stand-in/http-kit';

/**
 * POST /ws/oauth/token as NinjaOne answers it (api doc §2.2–2.5): form body, client
 * credentials or refresh token, bearer tokens with expires_in, OAuth error codes.
 */

export interface NinjaOneApp {
  clientId: string;
  clientSecret: string;
  /** Scopes ticked on the client app. */
  scopes: string[];
  /** The refresh token an admin's authorization-code login would have produced. */
  refreshToken: string;
  /**
   * Each renewal hands out a new refresh token and kills the old one. Whether NinjaOne does
   * this is unconfirmed (api doc §2.3), so it is off by default; on, it proves Switchboard
   * keeps the newest one.
   */
  rotateRefreshTokens?: boolean;
}

export interface IssuedToken {
  /** app: client credentials (reads); user: from the refresh token (needed by script/run). */
  grant: 'app' | 'user';
  scopes: Set<string>;
  expiresAt: number;
}

const LIFETIME_S = 3600;

function oauthError(status: number, error: string, description: string): StandInResponse {
  return json(status, { error, error_description: description });
}

export class NinjaOneOAuth {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly app: NinjaOneApp,
    private readonly now: () => Date,
  ) {}

  token(req: StandInRequest): StandInResponse {
    if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? ''))
      return oauthError(400, 'invalid_request', 'form-encoded body expected');
    const form = new URLSearchParams(req.body.toString('utf8'));
    if (
      form.get('client_id') !== this.app.clientId ||
      form.get('client_secret') !== this.app.clientSecret
    )
      return oauthError(401, 'invalid_client', 'Client authentication failed');
    switch (form.get('grant_type')) {
      case 'client_credentials':
        return this.clientCredentials(form.get('scope'));
      case 'refresh_token':
        if (form.get('refresh_token') !== this.app.refreshToken)
          return oauthError(400, 'invalid_grant', 'Invalid refresh token');
        if (this.app.rotateRefreshTokens)
          this.app.refreshToken = randomBytes(24).toString('base64url');
        return this.issue('user', [...this.app.scopes, 'offline_access'], this.app.refreshToken);
      default:
        return oauthError(400, 'unsupported_grant_type', 'client_credentials or refresh_token');
    }
  }

  /** The token behind an Authorization header, if it is known and unexpired. */
  authenticate(header: string | undefined): IssuedToken | undefined {
    const value = /^Bearer (\S+)$/i.exec(header ?? '')?.[1];
    const issued = value ? this.tokens.get(value) : undefined;
    if (!issued || issued.expiresAt <= this.now().getTime()) return undefined;
    return issued;
  }

  /** Forgets every token, as a revoked app would: the connector must get new ones. */
  revokeAll(): void {
    this.tokens.clear();
  }

  private clientCredentials(scope: string | null): StandInResponse {
    const asked = (scope ?? this.app.scopes.join(' ')).split(' ').filter(Boolean);
    // The EU host answers 400 to offline_access here; NinjaOne never narrows a grant.
    const refused = asked.filter((s) => s === 'offline_access' || !this.app.scopes.includes(s));
    if (refused.length > 0)
      return oauthError(400, 'invalid_scope', `refused: ${refused.join(' ')}`);
    return this.issue('app', asked);
  }

  private issue(grant: IssuedToken['grant'], scopes: string[], refresh?: string): StandInResponse {
    const value = randomBytes(24).toString('base64url');
    const expiresAt = this.now().getTime() + LIFETIME_S * 1000;
    this.tokens.set(value, { grant, scopes: new Set(scopes), expiresAt });
    return json(200, {
      access_token: value,
      token_type: 'Bearer',
      expires_in: LIFETIME_S,
      scope: scopes.join(' '),
      ...(refresh !== undefined && { refresh_token: refresh }),
    });
  }
}
