import type { AxiosInstance, AxiosRequestConfig } from 'axios';
import { AxiosError } from 'axios';
import { Agent } from 'node:https';
import { ConnectorError } from '../contract/connector-error';
import { toConnectorError } from '../shared/http';
import type { SolarWindsSettings } from './solarwinds.settings';
import type { SwisErrorBody } from './solarwinds.types';

const SWIS_PATH = '/SolarWinds/InformationService/v3/Json';
const MAX_DETAIL = 200;

export type SwqlParameters = Record<string, string | number | boolean | (string | number)[]>;

function isObj(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The TLS agent for this instance: none (Node's default verification) unless the settings trust
 * a given certificate or, explicitly, any certificate. Passed per request so no other connector
 * sharing the axios instance is affected.
 */
export function tlsAgent(settings: SolarWindsSettings): Agent | undefined {
  if (settings.allowSelfSignedCertificate) return new Agent({ rejectUnauthorized: false });
  if (settings.caCertificate) return new Agent({ ca: settings.caCertificate });
  return undefined;
}

/**
 * SWIS REST transport: Basic auth, JSON, Query and Invoke, error classification. Knows no
 * entity beyond what callers put in their SWQL.
 */
export class SwisClient {
  readonly baseUrl: string;
  private readonly authorization: string;
  private readonly agent?: Agent;

  constructor(
    private readonly http: AxiosInstance,
    private readonly settings: SolarWindsSettings,
  ) {
    // IPv6 literals need brackets in a URL.
    const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
    this.baseUrl = `https://${host}:${settings.port}${SWIS_PATH}`;
    const pair = `${settings.username}:${settings.password}`;
    this.authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
    this.agent = tlsAgent(settings);
  }

  /** POST Query with parameters (always parameterised: never user values in SWQL text). */
  async query(swql: string, parameters: SwqlParameters = {}): Promise<unknown[]> {
    const data = await this.post('Query', { query: swql, parameters });
    if (!isObj(data) || !Array.isArray(data.results))
      throw ConnectorError.invalid('solarwinds Query: the answer has no results list');
    return data.results;
  }

  /** POST Invoke/<entity>/<verb> with positional arguments (a JSON array, as the SDKs send). */
  invoke(entity: string, verb: string, args: unknown[]): Promise<unknown> {
    return this.post(`Invoke/${entity}/${verb}`, args);
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const config: AxiosRequestConfig = {
      headers: { Authorization: this.authorization, 'Content-Type': 'application/json' },
      // Parse here: a proxy's HTML page or an empty 200 must become a clear error.
      responseType: 'text',
      transformResponse: (data: unknown) => data,
    };
    if (this.agent) config.httpsAgent = this.agent;
    let text: unknown;
    try {
      const response = await this.http.post<unknown>(
        `${this.baseUrl}/${path}`,
        JSON.stringify(body),
        config,
      );
      text = response.data;
    } catch (err) {
      throw this.classify(path, err);
    }
    try {
      return typeof text === 'string' ? (JSON.parse(text) as unknown) : text;
    } catch {
      throw ConnectorError.invalid(
        `solarwinds ${path}: the answer is not JSON (check host and port)`,
      );
    }
  }

  /**
   * Status first (toConnectorError); for request and server errors the SWIS `Message` is added,
   * clipped and redacted, because it names the SWQL problem. 401/403 bodies are never read:
   * they may be HTML or empty (UNCONFIRMED), and carry nothing we need.
   */
  private classify(path: string, err: unknown): ConnectorError {
    const base = toConnectorError('solarwinds', err);
    const status = err instanceof AxiosError ? err.response?.status : undefined;
    if (status === undefined || status === 401 || status === 403 || status === 429) return base;
    const detail = this.vendorMessage(err instanceof AxiosError ? err.response?.data : undefined);
    if (!detail) return base;
    const message = `${base.message}: ${detail}`;
    return new ConnectorError(message, base.reason, base.retryable, base.retryAfterMs);
  }

  private vendorMessage(data: unknown): string | undefined {
    let body: unknown = data;
    if (typeof data === 'string') {
      try {
        body = JSON.parse(data);
      } catch {
        return undefined;
      }
    }
    const text = isObj(body) ? (body as SwisErrorBody).Message : undefined;
    if (typeof text !== 'string' || text.trim() === '') return undefined;
    const clipped = text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
    const secret = this.settings.password;
    return secret ? clipped.split(secret).join('[redacted]') : clipped;
  }
}

/** The path part every request shares; tests pin it. */
export const SWIS_BASE_PATH = SWIS_PATH;
