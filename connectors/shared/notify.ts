import { AxiosError } from 'axios';
import type { PagingMessage } from '../contract/connector';
import { ConnectorError, type ConnectorErrorReason } from '../contract/connector-error';
import { toConnectorError } from './http';

/** The severities of a paging message, least urgent first. */
export const PAGING_SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type PagingSeverity = (typeof PAGING_SEVERITIES)[number];

/**
 * True when the message is below the instance's threshold and must not be sent. The core gives
 * every message of an incident the severity of its opening, so a follow-up (mitigating,
 * resolved) passes exactly when its opening did.
 */
export function belowThreshold(message: PagingMessage, minSeverity: PagingSeverity): boolean {
  return PAGING_SEVERITIES.indexOf(message.severity) < PAGING_SEVERITIES.indexOf(minSeverity);
}

/** At most `max` characters, an ellipsis marking a cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One line: control characters and line breaks become spaces. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it removes
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

const REASON_TEXT: Record<ConnectorErrorReason, string> = {
  auth: 'credentials rejected',
  denied: 'permission denied',
  'not-found': 'not found',
  invalid: 'request rejected',
  'rate-limited': 'rate limited',
  unavailable: 'unavailable',
};

/** What a failed webhook call answered, for a connector to refine the classification. */
export interface WebhookFailure {
  /** Classified by status as toConnectorError does, with a message that names no URL. */
  error: ConnectorError;
  status?: number;
  /** The answer's body as text ('' when none); never to be copied into a message whole. */
  body: string;
}

/**
 * A failed POST to a webhook URL whose path or query is the secret (Slack, Teams). The shared
 * toConnectorError names the call's path, so its message is rebuilt here without it.
 */
export function webhookFailure(vendor: string, err: unknown): WebhookFailure {
  const base = toConnectorError(vendor, err);
  if (!(err instanceof AxiosError)) {
    const error = new ConnectorError(`${vendor} webhook: unreachable`, 'unavailable', true);
    return { error, body: '' };
  }
  const status = err.response?.status;
  const data: unknown = err.response?.data;
  const body = typeof data === 'string' ? data : data === undefined ? '' : JSON.stringify(data);
  const what =
    status !== undefined
      ? `HTTP ${status} (${REASON_TEXT[base.reason]})`
      : `${err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT' ? 'timed out' : 'unreachable'} (${err.code ?? 'network'})`;
  return {
    error: new ConnectorError(
      `${vendor} webhook: ${what}`,
      base.reason,
      base.retryable,
      base.retryAfterMs,
    ),
    status,
    body,
  };
}
