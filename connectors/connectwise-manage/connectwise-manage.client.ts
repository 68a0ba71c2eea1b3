import { AxiosError, type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import { ConnectorError } from '../contract/connector-error';
import { toConnectorError } from '../shared/http';
import { asArray } from './connectwise-manage.parse';
import type { ConnectWiseManageSettings } from './connectwise-manage.settings';
import type { ManageErrorResponse, ManagePatchOperation } from './connectwise-manage.types';

export const VENDOR = 'connectwise-manage';

/** A walk that never ends means the server ignores `page`; stop long before memory does. */
const MAX_PAGES = 500;

type Query = Record<string, string | number | undefined>;

/** Cloud hosts answer the API only on their api- twin (na.myconnectwise.net → api-na…). */
export function apiHost(site: string): string {
  const host = site.toLowerCase();
  const cloud = host.endsWith('.myconnectwise.net') || host === 'staging.connectwisedev.com';
  return cloud && !host.startsWith('api-') ? `api-${host}` : host;
}

export function baseUrl(settings: ConnectWiseManageSettings): string {
  const codebase = settings.codebase.replace(/\/?$/, '/');
  return `https://${apiHost(settings.site)}/${codebase}apis/3.0`;
}

/** Basic base64("companyId+publicKey:privateKey"); there is no token or session. */
export function authorization(settings: ConnectWiseManageSettings): string {
  const user = `${settings.companyId}+${settings.publicKey}`;
  return `Basic ${Buffer.from(`${user}:${settings.privateKey}`).toString('base64')}`;
}

/** encodeURIComponent for every value (spaces as %20, `+` as %2B), as the guide asks. */
function toQueryString(query: Query): string {
  return Object.entries(query)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

/** True when an RFC 5988 Link header is present but names no next page. */
function linkSaysLastPage(link: unknown): boolean {
  return typeof link === 'string' && link.trim() !== '' && !/rel="?next"?/i.test(link);
}

/** 400 bodies carry field messages (e.g. "The board field is required.") worth surfacing. */
function validationDetail(body: unknown): string {
  if (body === null || typeof body !== 'object') return '';
  const { errors, message } = body as ManageErrorResponse;
  const messages = Array.isArray(errors)
    ? errors.map((e) => e?.message).filter((m): m is string => typeof m === 'string')
    : typeof message === 'string'
      ? [message]
      : [];
  const joined = messages.slice(0, 3).join('; ').slice(0, 300);
  return joined ? `: ${joined}` : '';
}

function classify(err: unknown): ConnectorError {
  const base = toConnectorError(VENDOR, err);
  if (!(err instanceof AxiosError) || !err.response) return base;
  const status = err.response.status;
  // The guide lists 409 (record in use) as "retry later".
  if (status === 409) return new ConnectorError(`${base.message} (conflict)`, 'unavailable', true);
  if (status === 400)
    return ConnectorError.invalid(base.message + validationDetail(err.response.data));
  return base;
}

/** Transport only: auth, versioning, query encoding, paging and error classification. */
export class ManageClient {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(
    private readonly http: AxiosInstance,
    private readonly settings: ConnectWiseManageSettings,
  ) {
    this.base = baseUrl(settings);
    this.headers = {
      Authorization: authorization(settings),
      clientId: settings.clientId,
      Accept: `application/vnd.connectwise.com+json; version=${settings.apiVersion}`,
    };
  }

  get pageSize(): number {
    return this.settings.pageSize;
  }

  async get(path: string, query: Query = {}): Promise<unknown> {
    return (await this.send('GET', path, query)).data;
  }

  async post(path: string, body: unknown): Promise<unknown> {
    return (await this.send('POST', path, {}, body)).data;
  }

  async patch(path: string, operations: ManagePatchOperation[]): Promise<unknown> {
    return (await this.send('PATCH', path, {}, operations)).data;
  }

  /** One page of a list endpoint. */
  async page(path: string, query: Query, page: number, pageSize: number): Promise<unknown[]> {
    const response = await this.send('GET', path, { ...query, page, pageSize });
    return this.arrayFrom(response, path);
  }

  /**
   * Walks page=1,2,… to the end: stops on a short page, or when the Link header is present and
   * names no next page (navigable paging), so an exact multiple of pageSize costs no extra call.
   */
  async all(path: string, query: Query = {}): Promise<unknown[]> {
    const items: unknown[] = [];
    const size = this.settings.pageSize;
    let previousFirst: string | undefined;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const response = await this.send('GET', path, { ...query, page, pageSize: size });
      const batch = this.arrayFrom(response, path);
      const first = batch.length > 0 ? JSON.stringify(batch[0]) : undefined;
      if (first !== undefined && first === previousFirst) {
        throw ConnectorError.invalid(
          `${VENDOR} GET ${path}: page ${page} repeats the previous page`,
        );
      }
      previousFirst = first;
      items.push(...batch);
      if (batch.length < size || linkSaysLastPage(response.headers['link'])) return items;
    }
    throw ConnectorError.invalid(`${VENDOR} GET ${path}: more than ${MAX_PAGES} pages`);
  }

  private arrayFrom(response: AxiosResponse, path: string): unknown[] {
    return asArray(response.data, `response of GET ${path}`);
  }

  private async send(
    method: Method,
    path: string,
    query: Query,
    body?: unknown,
  ): Promise<AxiosResponse> {
    const qs = toQueryString(query);
    try {
      return await this.http.request({
        method,
        url: `${this.base}${path}${qs ? `?${qs}` : ''}`,
        headers:
          body === undefined
            ? this.headers
            : { ...this.headers, 'Content-Type': 'application/json' },
        data: body,
      });
    } catch (err) {
      throw classify(err);
    }
  }
}
