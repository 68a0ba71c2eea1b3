import type { AxiosInstance } from 'axios';
import { ConnectorError, type ConnectorErrorReason } from '../contract/connector-error';
import { webhookFailure } from '../shared/notify';
import type { TeamsCardMessage, TeamsFlowError, TeamsMessageCard } from './teams.types';

/**
 * Legacy connectors answer 200 even when Teams refused the message, with this sentence as the
 * body (MicrosoftDocs/msteams-docs issues 400, 1810, 7425): the status inside decides.
 */
const LEGACY_FAILURE = /Microsoft Teams endpoint returned HTTP error (\d{3})/;

function reasonOf(status: number): { reason: ConnectorErrorReason; retryable: boolean } {
  if (status === 401) return { reason: 'auth', retryable: false };
  if (status === 403) return { reason: 'denied', retryable: false };
  if (status === 404) return { reason: 'not-found', retryable: false };
  if (status === 429) return { reason: 'rate-limited', retryable: true };
  if (status >= 500 || status === 408) return { reason: 'unavailable', retryable: true };
  return { reason: 'invalid', retryable: false };
}

const HINT: Partial<Record<ConnectorErrorReason, string>> = {
  auth: "copy the whole URL (with sig=), and set the flow's trigger to let Anyone trigger it",
  denied: "set the flow's trigger to let Anyone trigger it",
  'not-found': 'the workflow was deleted or its URL replaced; copy the current one',
};

/** POSTs a card; 200 (legacy, body `1`) and 202 (Workflows, empty body) are success. */
export class TeamsWebhookClient {
  constructor(
    private readonly http: AxiosInstance,
    private readonly webhookUrl: string,
  ) {}

  async post(message: TeamsCardMessage | TeamsMessageCard): Promise<void> {
    let body: unknown;
    try {
      const response = await this.http.post(this.webhookUrl, message, {
        headers: { 'Content-Type': 'application/json' },
        responseType: 'text',
        transformResponse: (data: unknown) => data,
      });
      body = response.data;
    } catch (err) {
      throw classify(err);
    }
    const inside = typeof body === 'string' ? LEGACY_FAILURE.exec(body) : null;
    if (inside) {
      const status = Number(inside[1]);
      const { reason, retryable } = reasonOf(status);
      throw new ConnectorError(
        `teams webhook: HTTP 200 carrying Teams error ${status}${status === 413 ? ' (message too large)' : ''}`,
        reason,
        retryable,
      );
    }
  }
}

/** The Logic Apps error code names the cause (TriggerInputSchemaMismatch …); never its message. */
function flowErrorCode(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as TeamsFlowError).error?.code;
    return typeof code === 'string' && /^[A-Za-z][A-Za-z0-9]{0,80}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

function classify(err: unknown): ConnectorError {
  const { error, status, body } = webhookFailure('teams', err);
  if (status === undefined) return error;
  const code = flowErrorCode(body);
  const hint = HINT[error.reason];
  const extra = [code, hint].filter(Boolean).join('; ');
  if (!extra) return error;
  return new ConnectorError(
    `${error.message}: ${extra}`,
    error.reason,
    error.retryable,
    error.retryAfterMs,
  );
}
