import { AxiosError, type AxiosInstance, type Method } from 'axios';
import { ConnectorError } from '../contract/connector-error';
import { toConnectorError } from '../shared/http';
import { NinjaOneTokens, type NinjaOneGrant } from './ninjaone.auth';
import { apiBase, type NinjaOneSettings } from './ninjaone.settings';
import { VendorRecord } from './ninjaone.validate';

export type QueryParams = Record<string, string | number>;

interface ApiRequest {
  method: Method;
  path: string;
  params?: QueryParams;
  body?: unknown;
}

export interface QueryPage {
  results: unknown[];
  /** cursor.name to ask for the next page with; null when the response named none. */
  next: string | null;
}

export interface ActivitiesPage {
  activities: unknown[];
  lastActivityId?: number;
  /** Only on /v2/device/{id}/activities (api doc §3.2). */
  lastNodeActivityId?: number;
}

/** Vendor error codes that mean "not allowed", not "who are you" (api doc §2.4, §2.5). */
const DENIED_BECAUSE: Record<string, string> = {
  insufficient_privileges: 'the client app lacks a scope this call needs',
  user_context_required: 'this call needs a user-context token (settings.refreshToken)',
};

function vendorErrorCode(err: unknown): string | undefined {
  if (!(err instanceof AxiosError)) return undefined;
  const data: unknown = err.response?.data;
  if (data === null || typeof data !== 'object') return undefined;
  const code = (data as Record<string, unknown>).error;
  return typeof code === 'string' ? code : undefined;
}

/** Transport only: bearer auth, one token renewal on 401, error classes, page shapes. */
export class NinjaOneClient {
  private readonly tokens: NinjaOneTokens;
  private readonly baseURL: string;

  constructor(
    private readonly http: AxiosInstance,
    settings: NinjaOneSettings,
    clock: () => Date,
    saveSecret?: (name: string, value: string) => Promise<void>,
  ) {
    this.tokens = new NinjaOneTokens(http, settings, clock, saveSecret);
    this.baseURL = apiBase(settings);
  }

  async get(path: string, params: QueryParams = {}, grant: NinjaOneGrant = 'app') {
    return this.send({ method: 'GET', path, params }, grant);
  }

  async post(path: string, body: unknown, grant: NinjaOneGrant): Promise<void> {
    await this.send({ method: 'POST', path, body }, grant);
  }

  /** The token may have been revoked or rotated early: renew it once, then give up. */
  private async send(req: ApiRequest, grant: NinjaOneGrant): Promise<unknown> {
    const token = await this.tokens.get(grant);
    try {
      return await this.once(req, token);
    } catch (err) {
      if (!(err instanceof AxiosError) || err.response?.status !== 401)
        throw this.classify(err, req);
      this.tokens.drop(grant, token);
    }
    const renewed = await this.tokens.get(grant);
    try {
      return await this.once(req, renewed);
    } catch (err) {
      throw this.classify(err, req);
    }
  }

  private async once(req: ApiRequest, token: string): Promise<unknown> {
    const response = await this.http.request({
      method: req.method,
      baseURL: this.baseURL,
      url: req.path,
      params: req.params,
      data: req.body,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    });
    return response.data;
  }

  private classify(err: unknown, req: ApiRequest): ConnectorError {
    const status = err instanceof AxiosError ? err.response?.status : undefined;
    const because = DENIED_BECAUSE[vendorErrorCode(err) ?? ''];
    if (because && (status === 401 || status === 403))
      return new ConnectorError(
        `NinjaOne ${req.method} ${req.path}: HTTP ${status} (${because})`,
        'denied',
        false,
      );
    return toConnectorError('NinjaOne', err);
  }

  private shapeError(path: string, expected: string): ConnectorError {
    return ConnectorError.invalid(`NinjaOne GET ${path}: expected ${expected} in the response`);
  }

  private responseObject(path: string, data: unknown): Record<string, unknown> {
    if (data === null || typeof data !== 'object' || Array.isArray(data))
      throw this.shapeError(path, 'a JSON object');
    return data as Record<string, unknown>;
  }

  /** List endpoints (/v2/organizations, /v2/devices-detailed, …) answer a bare array. */
  async listPage(path: string, params: QueryParams): Promise<unknown[]> {
    const data = await this.get(path, params);
    if (!Array.isArray(data)) throw this.shapeError(path, 'a JSON array');
    return data;
  }

  /** Report queries (/v2/queries/*) answer { cursor: { name, … }, results: [] }. */
  async queryPage(path: string, params: QueryParams): Promise<QueryPage> {
    const body = this.responseObject(path, await this.get(path, params));
    if (!Array.isArray(body.results)) throw this.shapeError(path, 'a results array');
    const cursor = VendorRecord.of(`GET ${path} response`, body).optObject('cursor');
    return { results: body.results, next: cursor?.optStr('name') ?? null };
  }

  /** One object (/v2/device/{id}). */
  async object(path: string, params: QueryParams = {}): Promise<Record<string, unknown>> {
    return this.responseObject(path, await this.get(path, params));
  }

  /**
   * /v2/activities and /v2/device/{id}/activities answer { lastActivityId, activities: [] },
   * newest first; the device variant adds lastNodeActivityId.
   */
  async activitiesPage(path: string, params: QueryParams): Promise<ActivitiesPage> {
    const body = this.responseObject(path, await this.get(path, params));
    if (!Array.isArray(body.activities)) throw this.shapeError(path, 'an activities array');
    const record = VendorRecord.of(`GET ${path} response`, body);
    return {
      activities: body.activities,
      lastActivityId: record.optInt('lastActivityId'),
      lastNodeActivityId: record.optInt('lastNodeActivityId'),
    };
  }
}
