import { AxiosError, type AxiosInstance } from 'axios';
import { ConnectorError } from '../contract/connector-error';
import { toConnectorError } from '../shared/http';
import { serverBase, type ConnectWiseAutomateSettings } from './connectwise-automate.settings';
import { AutomateRecord } from './connectwise-automate.validate';

export const VENDOR = 'ConnectWise Automate';
export const TOKEN_PATH = '/cwa/api/v1/apitoken';
export const REFRESH_PATH = '/cwa/api/v1/apitoken/refresh';

/** Renew this long before ExpirationDate, so a token never dies in flight. */
export const RENEW_MARGIN_MS = 5 * 60_000;
/** ExpirationDate is documented, but an answer without it must not be trusted for long. */
const FALLBACK_LIFETIME_MS = 15 * 60_000;

interface CachedToken {
  value: string;
  expiresAt: number;
  /** AbsoluteExpirationDate: past it, only a new login helps (api doc §2.2, UNCONFIRMED). */
  refreshableUntil?: number;
}

/** The headers every Automate request carries, the token request included (api doc §2.1). */
export function baseHeaders(clientId: string): Record<string, string> {
  return { ClientId: clientId, Accept: 'application/json' };
}

/**
 * Obtains, caches and renews the bearer token: POST apitoken with the credentials, and before
 * it expires POST apitoken/refresh with the current token (which a two-factor user account
 * needs, since its one-time passcode cannot log in twice). One request in flight at a time.
 */
export class AutomateTokens {
  private cached?: CachedToken;
  private inFlight?: Promise<string>;

  constructor(
    private readonly http: AxiosInstance,
    private readonly settings: ConnectWiseAutomateSettings,
    private readonly clock: () => Date,
  ) {}

  async get(): Promise<string> {
    const now = this.clock().getTime();
    if (this.cached && now < this.cached.expiresAt - RENEW_MARGIN_MS) return this.cached.value;
    this.inFlight ??= this.renew(now).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Forgets a token the API rejected (401), unless a newer one already replaced it. */
  drop(value: string): void {
    if (this.cached?.value === value) this.cached = undefined;
  }

  private async renew(now: number): Promise<string> {
    const current = this.cached;
    const refreshable =
      current !== undefined &&
      now < current.expiresAt &&
      (current.refreshableUntil === undefined || now < current.refreshableUntil - RENEW_MARGIN_MS);
    if (refreshable) {
      try {
        return await this.request(REFRESH_PATH, JSON.stringify(current.value), current.value);
      } catch (err) {
        // A refused refresh is not the end: the credentials may still log in.
        if (!(err instanceof ConnectorError) || err.reason !== 'auth') throw err;
      }
    }
    return this.request(TOKEN_PATH, JSON.stringify(this.credentials()));
  }

  /** TokenCredentials as the spec names its fields (api doc §2.2); no passcode unless set. */
  private credentials(): Record<string, string> {
    const { username, password, twoFactorPasscode } = this.settings;
    const body: Record<string, string> = { UserName: username, Password: password };
    // Authenticator apps show the code with a space in the middle.
    if (twoFactorPasscode) body.TwoFactorPasscode = twoFactorPasscode.replace(/\s/g, '');
    return body;
  }

  private async request(path: string, body: string, bearer?: string): Promise<string> {
    let data: unknown;
    try {
      const response = await this.http.request({
        method: 'POST',
        baseURL: serverBase(this.settings),
        url: path,
        data: body,
        headers: {
          ...baseHeaders(this.settings.clientId),
          'Content-Type': 'application/json',
          ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
        },
      });
      data = response.data;
    } catch (err) {
      throw classifyTokenError(path, err);
    }
    return this.store(path, data);
  }

  private store(path: string, data: unknown): string {
    const label = `POST ${path} response`;
    if (typeof data !== 'object' || data === null)
      throw new ConnectorError(
        `${VENDOR} ${label}: not JSON (a proxy or login page?)`,
        'unavailable',
        true,
      );
    const result = AutomateRecord.of(label, data);
    const value = result.optStr('AccessToken');
    if (!value) {
      // 200 without a token: the account wants a (new) two-factor passcode (api doc §2.2).
      const why = result.optBool('IsTwoFactorRequired')
        ? 'the account requires a two-factor passcode; use an integrator login or set settings.twoFactorPasscode'
        : 'no AccessToken in the answer';
      throw ConnectorError.auth(`${VENDOR} POST ${path}: ${why}`);
    }
    const now = this.clock().getTime();
    const expiresAt = result.optTime('ExpirationDate')?.getTime() ?? now + FALLBACK_LIFETIME_MS;
    this.cached = {
      value,
      expiresAt,
      refreshableUntil: result.optTime('AbsoluteExpirationDate')?.getTime(),
    };
    return value;
  }
}

/** 400/401/403 on the token endpoints all mean "these credentials do not log in". */
function classifyTokenError(path: string, err: unknown): ConnectorError {
  const status = err instanceof AxiosError ? err.response?.status : undefined;
  if (status === 400 || status === 401 || status === 403)
    return ConnectorError.auth(`${VENDOR} POST ${path}: HTTP ${status} (login refused)`);
  return toConnectorError(VENDOR, err);
}
