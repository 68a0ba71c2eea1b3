import { AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { ConnectorError } from '../contract/connector-error';
import { toConnectorError } from '../shared/http';
import type { AlertmanagerSettings } from './alertmanager.settings';
import type {
  AlertmanagerGettableAlert,
  AlertmanagerGettableSilence,
  AlertmanagerPostableSilence,
} from './alertmanager.types';
import { isGettableAlert, isGettableSilence, isObj } from './alertmanager.validate';

const VENDOR = 'alertmanager';

/** The base URL, with any route prefix; API paths (/api/v2/…) are appended to it. */
export function serverBase(url: string): string {
  return url.replace(/\/+$/, '');
}

const API = '/api/v2';

/** The alert list query: everything Alertmanager holds, as its receivers would see it. */
export interface AlertQuery {
  receiver?: string;
  filters: string[];
}

/**
 * API v2 transport: credentials, JSON, error classification. No pagination exists: each list
 * call returns everything that matches.
 */
export class AlertmanagerClient {
  private readonly base: string;

  constructor(
    private readonly http: AxiosInstance,
    private readonly settings: AlertmanagerSettings,
  ) {
    this.base = serverBase(settings.url);
  }

  private auth(): AxiosRequestConfig {
    const { bearerToken, username, password } = this.settings;
    if (bearerToken) return { headers: { Authorization: `Bearer ${bearerToken}` } };
    if (username !== undefined && password !== undefined) return { auth: { username, password } };
    return {};
  }

  private async request<T>(config: AxiosRequestConfig): Promise<T> {
    const auth = this.auth();
    try {
      const response = await this.http.request<T>({
        ...config,
        ...auth,
        // baseURL apart, so errors name the path only (toConnectorError).
        baseURL: this.base,
        url: `${API}${config.url}`,
        headers: { Accept: 'application/json', ...config.headers, ...auth.headers },
      });
      return response.data;
    } catch (err) {
      throw toConnectorError(VENDOR, err);
    }
  }

  async status(): Promise<string> {
    const body = await this.request<unknown>({ method: 'GET', url: '/status' });
    const info = isObj(body) && isObj(body.versionInfo) ? body.versionInfo : undefined;
    if (!info || typeof info.version !== 'string')
      throw ConnectorError.invalid('alertmanager GET /api/v2/status: no versionInfo.version');
    return info.version;
  }

  /** GET /api/v2/alerts: active, silenced, inhibited and unprocessed alerts; never resolved ones. */
  async alerts(query: AlertQuery): Promise<AlertmanagerGettableAlert[]> {
    const params = new URLSearchParams({
      active: 'true',
      silenced: 'true',
      inhibited: 'true',
      unprocessed: 'true',
    });
    for (const filter of query.filters) params.append('filter', filter);
    if (query.receiver) params.set('receiver', query.receiver);
    const body = await this.request<unknown>({ method: 'GET', url: `/alerts?${params}` });
    if (!Array.isArray(body))
      throw new ConnectorError(
        'alertmanager GET /api/v2/alerts: answer is not a list',
        'unavailable',
        true,
      );
    // An item Alertmanager itself could not have written (no fingerprint) is not an alert.
    return body.filter(isGettableAlert);
  }

  async silences(): Promise<AlertmanagerGettableSilence[]> {
    const body = await this.request<unknown>({ method: 'GET', url: '/silences' });
    if (!Array.isArray(body))
      throw new ConnectorError(
        'alertmanager GET /api/v2/silences: answer is not a list',
        'unavailable',
        true,
      );
    return body.filter(isGettableSilence);
  }

  async createSilence(silence: AlertmanagerPostableSilence): Promise<string> {
    const body = await this.request<unknown>({
      method: 'POST',
      url: '/silences',
      data: silence,
      headers: { 'Content-Type': 'application/json' },
    });
    if (!isObj(body) || typeof body.silenceID !== 'string')
      throw ConnectorError.invalid('alertmanager POST /api/v2/silences: no silenceID in answer');
    return body.silenceID;
  }

  /**
   * Expires a silence. 0.25.0 answers an unknown (or garbage-collected) id with 500 and the
   * JSON string "silence not found": nothing is left to expire, so that is success.
   */
  async expireSilence(id: string): Promise<void> {
    try {
      await this.http.request({
        method: 'DELETE',
        baseURL: this.base,
        url: `${API}/silence/${encodeURIComponent(id)}`,
        ...this.auth(),
        headers: { Accept: 'application/json', ...this.auth().headers },
      });
    } catch (err) {
      if (err instanceof AxiosError && isSilenceNotFound(err)) return;
      throw toConnectorError(VENDOR, err);
    }
  }
}

function isSilenceNotFound(err: AxiosError): boolean {
  const status = err.response?.status;
  const data = err.response?.data;
  const text = typeof data === 'string' ? data : '';
  return (status === 404 || status === 500) && /silence not found/i.test(text);
}
