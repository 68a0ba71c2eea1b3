import type { AxiosInstance } from 'axios';
import { ConnectorError } from '../contract/connector-error';
import { toConnectorError } from '../shared/http';
import { fromRpcError, isSessionRejected } from './zabbix.errors';
import type { ZabbixSettings } from './zabbix.settings';
import type { JsonRpcError, ZabbixVersion } from './zabbix.types';

type Outcome = { ok: true; result: unknown } | { ok: false; error: JsonRpcError };

/** The frontend base or the endpoint itself may be configured; the API lives at one file. */
export function apiEndpoint(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\.php$/i.test(trimmed) ? trimmed : `${trimmed}/api_jsonrpc.php`;
}

export function parseVersion(value: unknown): ZabbixVersion {
  const match = typeof value === 'string' ? /^(\d+)\.(\d+)/.exec(value) : null;
  if (!match || typeof value !== 'string')
    throw ConnectorError.invalid('zabbix apiinfo.version: not a version string');
  return { text: value, major: Number(match[1]), minor: Number(match[2]) };
}

/** 6.4 moved the credential to `Authorization: Bearer`; 7.2 rejects the body `auth` member. */
export function usesBearerHeader(version: ZabbixVersion): boolean {
  return version.major > 6 || (version.major === 6 && version.minor >= 4);
}

function isRpcError(value: unknown): value is JsonRpcError {
  if (value === null || typeof value !== 'object') return false;
  const e = value as Record<string, unknown>;
  return typeof e.code === 'number' && typeof e.message === 'string';
}

/**
 * JSON-RPC 2.0 transport: version detection, credential placement, one re-login when a
 * session expires, and error classification. Knows no Zabbix object beyond user.login.
 */
export class ZabbixClient {
  private nextId = 1;
  private detected?: Promise<ZabbixVersion>;
  private session?: Promise<string>;
  private readonly endpoint: string;

  constructor(
    private readonly http: AxiosInstance,
    private readonly settings: ZabbixSettings,
  ) {
    this.endpoint = apiEndpoint(settings.url);
  }

  /** apiinfo.version must be called without auth; asked once per client. */
  version(): Promise<ZabbixVersion> {
    this.detected ??= this.send('apiinfo.version', [], undefined)
      .then((outcome) => parseVersion(this.unwrap('apiinfo.version', outcome)))
      .catch((err: unknown) => {
        this.detected = undefined;
        throw err;
      });
    return this.detected;
  }

  /** Calls an authenticated method and returns its `result`, unchecked. */
  async call(method: string, params: object): Promise<unknown> {
    const version = await this.version();
    const first = await this.send(method, params, { version, secret: await this.credential() });
    if (first.ok || !this.settings.username || !isSessionRejected(first.error))
      return this.unwrap(method, first);
    // The session expired (autologout) or was logged out: log in again, exactly once.
    this.session = undefined;
    const second = await this.send(method, params, { version, secret: await this.credential() });
    return this.unwrap(method, second);
  }

  private credential(): Promise<string> {
    if (this.settings.apiToken) return Promise.resolve(this.settings.apiToken);
    this.session ??= this.login().catch((err: unknown) => {
      this.session = undefined;
      throw err;
    });
    return this.session;
  }

  private async login(): Promise<string> {
    // `username` works from 5.4 on; 6.4 removed the older `user` spelling.
    const params = { username: this.settings.username, password: this.settings.password };
    const result = this.unwrap('user.login', await this.send('user.login', params, undefined));
    if (typeof result !== 'string' || result === '')
      throw ConnectorError.invalid('zabbix user.login: no session id in the answer');
    return result;
  }

  private unwrap(method: string, outcome: Outcome): unknown {
    if (outcome.ok) return outcome.result;
    throw fromRpcError(method, outcome.error, (text) => this.redact(text));
  }

  private redact(text: string): string {
    const secrets = [this.settings.apiToken, this.settings.password].filter(
      (s): s is string => typeof s === 'string' && s.length > 0,
    );
    return secrets.reduce((out, s) => out.split(s).join('[redacted]'), text);
  }

  private async send(
    method: string,
    params: object,
    auth: { version: ZabbixVersion; secret: string } | undefined,
  ): Promise<Outcome> {
    const body: Record<string, unknown> = { jsonrpc: '2.0', method, params, id: this.nextId++ };
    const headers: Record<string, string> = { 'Content-Type': 'application/json-rpc' };
    if (auth && usesBearerHeader(auth.version)) headers.Authorization = `Bearer ${auth.secret}`;
    else if (auth) body.auth = auth.secret;
    let text: unknown;
    try {
      const response = await this.http.post<unknown>(this.endpoint, JSON.stringify(body), {
        headers,
        // Parse here, so a proxy's HTML page becomes a clear 'invalid' instead of a string.
        responseType: 'text',
        transformResponse: (data: unknown) => data,
      });
      text = response.data;
    } catch (err) {
      throw toConnectorError('zabbix', err);
    }
    return this.parse(method, text);
  }

  private parse(method: string, text: unknown): Outcome {
    let envelope: unknown;
    try {
      envelope = typeof text === 'string' ? JSON.parse(text) : text;
    } catch {
      throw ConnectorError.invalid(`zabbix ${method}: the answer is not JSON (check the url)`);
    }
    if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope))
      throw ConnectorError.invalid(`zabbix ${method}: the answer is not a JSON-RPC object`);
    const { result, error } = envelope as Record<string, unknown>;
    if (error !== undefined) {
      if (!isRpcError(error))
        throw ConnectorError.invalid(`zabbix ${method}: malformed JSON-RPC error object`);
      return { ok: false, error };
    }
    if (result === undefined)
      throw ConnectorError.invalid(`zabbix ${method}: the answer has neither result nor error`);
    return { ok: true, result };
  }
}
