import type { InboundRequest, WebhookVerdict } from '../contract/connector';
import { hasSwitchboardToken, safeEqual } from '../shared/webhook-signature';
import { fromWebhookAlert } from './alertmanager.records';
import type { AlertmanagerWebhookMessage } from './alertmanager.types';
import { webhookProblems } from './alertmanager.validate';

/**
 * Alertmanager signs nothing. The instance's webhook secret arrives the way `http_config` can
 * send it: `authorization` (Bearer <secret>), `basic_auth` (any user, the secret as password),
 * or, for a receiver that can set neither, in the URL (`?token=<secret>`) or as
 * X-Switchboard-Token.
 */
export function hasWebhookSecret(req: InboundRequest, secret: string | undefined): boolean {
  if (!secret) return false;
  const header = req.headers['authorization']?.trim() ?? '';
  const bearer = /^bearer\s+(.+)$/i.exec(header);
  if (bearer) return safeEqual(bearer[1].trim(), secret);
  const basic = /^basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 && safeEqual(decoded.slice(colon + 1), secret);
  }
  return hasSwitchboardToken(req, secret);
}

/**
 * Verifies the secret and splits one notification (one alert group) into one record per
 * alert. Alerts dropped by `max_alerts` (`truncatedAlerts`) are not in the body: the poll
 * finds them.
 */
export function handleAlertmanagerWebhook(
  req: InboundRequest,
  secret: string | undefined,
): WebhookVerdict {
  if (!hasWebhookSecret(req, secret))
    return {
      ok: false,
      status: 401,
      message: 'missing or wrong webhook secret (Authorization: Bearer, basic auth or ?token=)',
    };
  const problems = webhookProblems(req.body);
  if (problems.length > 0)
    return { ok: false, status: 400, message: problems.slice(0, 10).join('; ') };
  const message = req.body as AlertmanagerWebhookMessage;
  return { ok: true, records: message.alerts.map((a) => fromWebhookAlert(a, message)) };
}
