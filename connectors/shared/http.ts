import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { ConnectorError } from '../contract/connector-error';

export interface HttpOptions {
  baseURL?: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

/** The one way connectors get an HTTP client: bounded timeouts, no redirects to elsewhere. */
export function createHttp(options: HttpOptions = {}): AxiosInstance {
  return axios.create({
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? 15_000,
    headers: { 'User-Agent': 'Switchboard/0.1', ...options.headers },
    maxRedirects: 0,
    maxContentLength: 50 * 1024 * 1024,
    validateStatus: (s) => s >= 200 && s < 300,
  });
}

/** Parses Retry-After (seconds or HTTP date) into milliseconds. */
export function retryAfterMs(value: unknown, now: Date = new Date()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

function where(config: AxiosRequestConfig | undefined): string {
  if (!config) return 'request';
  const method = (config.method ?? 'get').toUpperCase();
  // Only the path: query strings and bodies may carry credentials.
  const url = (config.url ?? '').split('?')[0];
  return `${method} ${url}`;
}

/**
 * Classifies a transport failure. The message names the vendor, the call and the status, never
 * the body or headers, so it is safe to store and show.
 */
export function toConnectorError(vendor: string, err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  if (!(err instanceof AxiosError)) {
    const message = err instanceof Error ? err.message : String(err);
    return new ConnectorError(`${vendor}: ${message}`, 'unavailable', true);
  }
  const call = where(err.config);
  const status = err.response?.status;
  if (status === undefined) {
    const what =
      err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT' ? 'timed out' : 'unreachable';
    return new ConnectorError(
      `${vendor} ${call}: ${what} (${err.code ?? 'network'})`,
      'unavailable',
      true,
    );
  }
  const text = `${vendor} ${call}: HTTP ${status}`;
  const after = retryAfterMs(err.response?.headers?.['retry-after']);
  if (status === 401) return new ConnectorError(`${text} (credentials rejected)`, 'auth', false);
  if (status === 403) return new ConnectorError(`${text} (permission denied)`, 'denied', false);
  if (status === 404) return new ConnectorError(`${text} (not found)`, 'not-found', false);
  if (status === 429)
    return new ConnectorError(`${text} (rate limited)`, 'rate-limited', true, after);
  if (status >= 500 || status === 408) return new ConnectorError(text, 'unavailable', true, after);
  return new ConnectorError(`${text} (request rejected)`, 'invalid', false);
}
