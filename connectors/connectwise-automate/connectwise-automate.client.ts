import { AxiosError, type AxiosInstance, type Method } from 'axios';
import { ConnectorError } from '../contract/connector-error';
import { toConnectorError } from '../shared/http';
import { AutomateTokens, baseHeaders, VENDOR } from './connectwise-automate.auth';
import { serverBase, type ConnectWiseAutomateSettings } from './connectwise-automate.settings';

export type QueryParams = Record<string, string | number>;

interface ApiRequest {
  method: Method;
  path: string;
  params?: QueryParams;
  body?: unknown;
}

/**
 * Transport only: bearer token + ClientId on every call, one re-login and one retry after a
 * 401, error classes, and the bare-array answers of list endpoints (api doc §3.1).
 */
export class AutomateApi {
  private readonly tokens: AutomateTokens;
  private readonly baseURL: string;

  constructor(
    private readonly http: AxiosInstance,
    private readonly settings: ConnectWiseAutomateSettings,
    clock: () => Date,
  ) {
    this.tokens = new AutomateTokens(http, settings, clock);
    this.baseURL = serverBase(settings);
  }

  /** A list endpoint: a bare JSON array, one page of it. */
  async list(path: string, params: QueryParams): Promise<unknown[]> {
    const data = await this.send({ method: 'GET', path, params });
    if (!Array.isArray(data)) throw this.notJson('GET', path, 'a JSON array');
    return data;
  }

  /** A POST answering one JSON object (the saved model). */
  async post(path: string, body: unknown): Promise<Record<string, unknown>> {
    const data = await this.send({ method: 'POST', path, body });
    if (data === null || typeof data !== 'object' || Array.isArray(data))
      throw this.notJson('POST', path, 'a JSON object');
    return data as Record<string, unknown>;
  }

  /** The token may have been revoked or expired early: log in once more, then give up. */
  private async send(req: ApiRequest): Promise<unknown> {
    const token = await this.tokens.get();
    try {
      return await this.once(req, token);
    } catch (err) {
      if (!(err instanceof AxiosError) || err.response?.status !== 401)
        throw toConnectorError(VENDOR, err);
      this.tokens.drop(token);
    }
    const renewed = await this.tokens.get();
    try {
      return await this.once(req, renewed);
    } catch (err) {
      throw toConnectorError(VENDOR, err);
    }
  }

  private async once(req: ApiRequest, token: string): Promise<unknown> {
    const response = await this.http.request({
      method: req.method,
      baseURL: this.baseURL,
      url: req.path,
      params: req.params,
      data: req.body,
      headers: {
        ...baseHeaders(this.settings.clientId),
        Authorization: `Bearer ${token}`,
        ...(req.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
    });
    return response.data;
  }

  /**
   * Hosted servers behind a proxy sometimes answer 200 with a login page or a WAF challenge
   * (api doc §3.4): that is an outage of the API, worth retrying, not bad data.
   */
  private notJson(method: string, path: string, expected: string): ConnectorError {
    return new ConnectorError(
      `${VENDOR} ${method} ${path}: expected ${expected} (a proxy or login page answered?)`,
      'unavailable',
      true,
    );
  }
}
