import { AxiosError, type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import { ConnectorError } from '../contract/connector-error';
import { toConnectorError } from '../shared/http';
import type { RequestTrackerSettings } from './request-tracker.settings';

export const VENDOR = 'request-tracker';

type Query = Record<string, string | number | undefined>;

export function apiBase(settings: RequestTrackerSettings): string {
  return `${settings.url.replace(/\/+$/, '')}/REST/2.0`;
}

/** RT's error bodies are `{"message": "…"}`; the first line of a 400's message is worth showing. */
function rtMessage(body: unknown): string {
  if (body === null || typeof body !== 'object') return '';
  const message = (body as { message?: unknown }).message;
  if (typeof message !== 'string') return '';
  // TicketSQL errors end with " at /usr/share/…/Tickets.pm line N." — not for users.
  const first = message
    .split('\n')[0]
    .replace(/ at \/\S+ line \d+\.?$/, '')
    .trim();
  return first ? `: ${first.slice(0, 200)}` : '';
}

function classify(err: unknown): ConnectorError {
  const base = toConnectorError(VENDOR, err);
  if (!(err instanceof AxiosError) || !err.response) return base;
  const status = err.response.status;
  // RT answers a request it takes for a browser's with a redirect to its login page.
  if (status === 302 || status === 303)
    return ConnectorError.auth(`${base.message} (redirected to the login page: token refused?)`);
  if (status === 400) return ConnectorError.invalid(base.message + rtMessage(err.response.data));
  return base;
}

/** Transport only: token auth, JSON, query encoding and error classification. */
export class RtClient {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(
    private readonly http: AxiosInstance,
    settings: RequestTrackerSettings,
  ) {
    this.base = apiBase(settings);
    this.headers = { Authorization: `token ${settings.token}`, Accept: 'application/json' };
  }

  async get(path: string, query: Query = {}): Promise<unknown> {
    return (await this.send('GET', path, query)).data;
  }

  async post(path: string, body: unknown): Promise<unknown> {
    return (await this.send('POST', path, {}, body)).data;
  }

  async put(path: string, body: unknown): Promise<unknown> {
    return (await this.send('PUT', path, {}, body)).data;
  }

  private async send(
    method: Method,
    path: string,
    query: Query,
    body?: unknown,
  ): Promise<AxiosResponse> {
    const qs = Object.entries(query)
      .filter((e): e is [string, string | number] => e[1] !== undefined)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&');
    try {
      return await this.http.request({
        method,
        url: `${this.base}${path}${qs ? `?${qs}` : ''}`,
        headers:
          body === undefined
            ? this.headers
            : { ...this.headers, 'Content-Type': 'application/json' },
        data: body,
        // RT keeps no cookies for token requests; never send one (it would mean "browser").
        withCredentials: false,
      });
    } catch (err) {
      throw classify(err);
    }
  }
}
