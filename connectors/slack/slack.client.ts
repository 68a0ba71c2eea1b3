import type { AxiosInstance } from 'axios';
import { ConnectorError, type ConnectorErrorReason } from '../contract/connector-error';
import { webhookFailure } from '../shared/notify';
import type { SlackWebhookMessage } from './slack.types';

/**
 * The plain-text error bodies incoming webhooks document, by what they mean for us. Every one
 * needs a person to act (a new webhook, a restored channel, a fixed payload): none is retried.
 */
const SLACK_ERRORS: Record<string, { reason: ConnectorErrorReason; hint: string }> = {
  invalid_token: { reason: 'auth', hint: 'the webhook URL is no longer valid; create a new one' },
  no_service: { reason: 'auth', hint: 'the webhook was disabled or removed; create a new one' },
  no_service_id: { reason: 'auth', hint: 'the webhook URL is incomplete' },
  no_active_hooks: { reason: 'auth', hint: 'the webhook is disabled' },
  no_team: { reason: 'auth', hint: 'the workspace in the webhook URL does not exist' },
  team_disabled: { reason: 'auth', hint: 'the Slack workspace is no longer active' },
  action_prohibited: { reason: 'denied', hint: 'an admin restricted posting with this webhook' },
  posting_to_general_channel_denied: {
    reason: 'denied',
    hint: 'posting to #general is restricted for the webhook creator',
  },
  channel_not_found: { reason: 'not-found', hint: "the webhook's channel no longer exists" },
  channel_is_archived: { reason: 'not-found', hint: "the webhook's channel is archived" },
  user_not_found: { reason: 'not-found', hint: 'the user the webhook posts to does not exist' },
  invalid_payload: { reason: 'invalid', hint: 'Slack could not read the message' },
  no_text: { reason: 'invalid', hint: 'the message had no text' },
  too_many_attachments: { reason: 'invalid', hint: 'the message had too many attachments' },
  invalid_blocks: { reason: 'invalid', hint: 'Slack refused the message blocks' },
  invalid_blocks_format: { reason: 'invalid', hint: 'Slack refused the message blocks' },
};

/** POSTs to the incoming webhook; Slack answers 200 `ok`, or an HTTP error with a code as body. */
export class SlackWebhookClient {
  constructor(
    private readonly http: AxiosInstance,
    private readonly webhookUrl: string,
  ) {}

  async post(message: SlackWebhookMessage): Promise<void> {
    try {
      await this.http.post(this.webhookUrl, message, {
        headers: { 'Content-Type': 'application/json' },
        responseType: 'text',
        transformResponse: (data: unknown) => data,
      });
    } catch (err) {
      throw classify(err);
    }
  }
}

function classify(err: unknown): ConnectorError {
  const { error, status, body } = webhookFailure('slack', err);
  // Rate limits and server errors are retried whatever the body says (rollup_error is a 500).
  if (status === undefined || status === 429 || status >= 500) return error;
  const code = body.trim();
  const known = Object.prototype.hasOwnProperty.call(SLACK_ERRORS, code)
    ? SLACK_ERRORS[code]
    : undefined;
  if (!known) return error;
  return new ConnectorError(
    `slack webhook: HTTP ${status} ${code} (${known.hint})`,
    known.reason,
    false,
  );
}
