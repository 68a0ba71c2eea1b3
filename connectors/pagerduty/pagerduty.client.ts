import { AxiosError, type AxiosInstance } from 'axios';
import { ConnectorError } from '../contract/connector-error';
import { toConnectorError } from '../shared/http';
import { clip } from '../shared/notify';
import type { PagerDutyEvent, PagerDutyRejected } from './pagerduty.types';

export const PAGERDUTY_EVENTS_HOST = 'https://events.pagerduty.com';

/** PagerDuty suggests retrying a 429 after 30 seconds when it names no delay. */
const DEFAULT_RATE_LIMIT_MS = 30_000;
const MAX_DETAIL = 300;

function rejectedErrors(body: unknown): string[] {
  if (body === null || typeof body !== 'object') return [];
  const errors = (body as PagerDutyRejected).errors;
  return Array.isArray(errors) ? errors.filter((e): e is string => typeof e === 'string') : [];
}

/** Transport for the Events API v2: one POST per event, failures classified. */
export class PagerDutyClient {
  private readonly endpoint: string;

  constructor(
    private readonly http: AxiosInstance,
    baseUrl: string | undefined,
    private readonly routingKey: string,
  ) {
    this.endpoint = `${(baseUrl ?? PAGERDUTY_EVENTS_HOST).replace(/\/+$/, '')}/v2/enqueue`;
  }

  /** Resolves on 202 (the event is queued; PagerDuty processes it asynchronously). */
  async enqueue(event: PagerDutyEvent): Promise<void> {
    try {
      await this.http.post(this.endpoint, event, {
        headers: { 'Content-Type': 'application/json' },
      });
    } catch (err) {
      throw this.classify(err);
    }
  }

  private classify(err: unknown): ConnectorError {
    const base = toConnectorError('pagerduty', err);
    if (!(err instanceof AxiosError) || !err.response) return base;
    const { status, data } = err.response;
    if (status === 400) {
      // The reasons are PagerDuty's own sentences ("Length of 'routing_key' is incorrect …").
      const detail = this.redact(rejectedErrors(data).join('; '));
      return ConnectorError.invalid(
        detail
          ? `${base.message}: ${clip(detail, MAX_DETAIL)}`
          : `${base.message} (event rejected)`,
      );
    }
    if (status === 429 && base.retryAfterMs === undefined)
      return new ConnectorError(base.message, 'rate-limited', true, DEFAULT_RATE_LIMIT_MS);
    return base;
  }

  private redact(text: string): string {
    return text.split(this.routingKey).join('[redacted]');
  }
}
