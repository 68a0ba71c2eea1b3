import type { InboundRequest, WebhookVerdict } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { hasSwitchboardToken, safeEqual } from '../shared/webhook-signature';
import { activityRecord } from './ninjaone.records';

function headerValue(req: InboundRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const key = Object.keys(req.headers).find((k) => k.toLowerCase() === wanted);
  return key === undefined ? undefined : req.headers[key];
}

/**
 * NinjaOne signs nothing. The API webhook is registered with a custom header (settings
 * webhookHeaderName) whose value is the instance's webhook secret; the core's own header or
 * `token` query parameter is accepted as well, for notification channels that cannot set
 * headers.
 */
function isAuthentic(req: InboundRequest, headerName: string, secret: string | undefined): boolean {
  if (!secret) return false;
  const given = headerValue(req, headerName);
  if (typeof given === 'string' && safeEqual(given, secret)) return true;
  return hasSwitchboardToken(req, secret);
}

/** One POST = one activity object. Deduplicated on the activity id, like pulled activities. */
export function handleNinjaOneWebhook(
  req: InboundRequest,
  headerName: string,
  secret: string | undefined,
): WebhookVerdict {
  if (!isAuthentic(req, headerName, secret)) {
    return {
      ok: false,
      status: 401,
      message: `missing or wrong webhook secret (${headerName} header or token query parameter)`,
    };
  }
  try {
    const { record } = activityRecord(req.body);
    return { ok: true, records: record ? [record] : [] };
  } catch (err) {
    if (err instanceof ConnectorError) return { ok: false, status: 400, message: err.message };
    throw err;
  }
}
