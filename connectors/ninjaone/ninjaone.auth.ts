import { AxiosError, type AxiosInstance } from 'axios';
import { ConnectorError } from '../contract/connector-error';
import { toConnectorError } from '../shared/http';
import { apiBase, type NinjaOneSettings } from './ninjaone.settings';
import { VendorRecord } from './ninjaone.validate';

/** app: client credentials, for reads. user: refresh token of an admin login, for script runs. */
export type NinjaOneGrant = 'app' | 'user';

export const TOKEN_PATH = '/ws/oauth/token';

/** Renew this long before expiry so a token never dies in flight. */
const EXPIRY_MARGIN_MS = 60_000;
/** expires_in is unconfirmed as always present; without it, assume a short life. */
const FALLBACK_LIFETIME_S = 300;

/** Standard OAuth error codes: safe to show, and they tell the admin what to fix. */
const OAUTH_CODES = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'invalid_scope',
  'unauthorized_client',
  'unsupported_grant_type',
]);

interface CachedToken {
  value: string;
  expiresAt: number;
}

function oauthCode(err: unknown): string | undefined {
  if (!(err instanceof AxiosError)) return undefined;
  const data: unknown = err.response?.data;
  if (data === null || typeof data !== 'object') return undefined;
  const code = (data as Record<string, unknown>).error;
  return typeof code === 'string' && OAUTH_CODES.has(code) ? code : undefined;
}

/** Obtains, caches and renews bearer tokens; one request in flight per grant. */
export class NinjaOneTokens {
  private readonly cached = new Map<NinjaOneGrant, CachedToken>();
  private readonly inFlight = new Map<NinjaOneGrant, Promise<string>>();
  /** NinjaOne may rotate refresh tokens: the newest one, also saved on the instance. */
  private refreshToken: string | undefined;

  constructor(
    private readonly http: AxiosInstance,
    private readonly settings: NinjaOneSettings,
    private readonly clock: () => Date,
    private readonly saveSecret?: (name: string, value: string) => Promise<void>,
  ) {
    this.refreshToken = settings.refreshToken;
  }

  async get(grant: NinjaOneGrant): Promise<string> {
    const cached = this.cached.get(grant);
    if (cached && this.clock().getTime() < cached.expiresAt - EXPIRY_MARGIN_MS) return cached.value;
    const pending = this.inFlight.get(grant) ?? this.request(grant);
    this.inFlight.set(grant, pending);
    try {
      return await pending;
    } finally {
      this.inFlight.delete(grant);
    }
  }

  /** Forgets a token the API rejected, unless a newer one already replaced it. */
  drop(grant: NinjaOneGrant, value: string): void {
    if (this.cached.get(grant)?.value === value) this.cached.delete(grant);
  }

  private form(grant: NinjaOneGrant): URLSearchParams {
    const { clientId, clientSecret, scope } = this.settings;
    if (grant === 'app') {
      return new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        scope,
      });
    }
    if (!this.refreshToken) {
      throw ConnectorError.invalid(
        'ninjaone: this call needs a user-context token; set settings.refreshToken',
      );
    }
    return new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: clientId,
      client_secret: clientSecret,
      refresh_token: this.refreshToken,
    });
  }

  private async request(grant: NinjaOneGrant): Promise<string> {
    const form = this.form(grant);
    let data: unknown;
    try {
      const response = await this.http.request({
        method: 'POST',
        baseURL: apiBase(this.settings),
        url: TOKEN_PATH,
        data: form.toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      data = response.data;
    } catch (err) {
      throw this.classify(err);
    }
    const body = VendorRecord.of(`token response (${grant})`, data);
    const value = body.str('access_token');
    const lifetime = body.optInt('expires_in') ?? FALLBACK_LIFETIME_S;
    const rotated = body.optStr('refresh_token');
    if (grant === 'user' && rotated && rotated !== this.refreshToken) {
      this.refreshToken = rotated;
      // The old one may be dead now: lose the new one and rollback needs a new consent.
      await this.saveSecret?.('refreshToken', rotated);
    }
    this.cached.set(grant, { value, expiresAt: this.clock().getTime() + lifetime * 1000 });
    return value;
  }

  private classify(err: unknown): ConnectorError {
    const status = err instanceof AxiosError ? err.response?.status : undefined;
    if (status === 400 || status === 401 || status === 403) {
      const code = oauthCode(err);
      return ConnectorError.auth(
        `NinjaOne POST ${TOKEN_PATH}: HTTP ${status} (token request rejected${code ? `: ${code}` : ''})`,
      );
    }
    return toConnectorError('NinjaOne', err);
  }
}
