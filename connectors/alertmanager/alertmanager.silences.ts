import type { DeliveryMarker, ExternalRef, SilenceRequest } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import type { AlertmanagerClient } from './alertmanager.client';
import { parseDeviceExternalId } from './alertmanager.labels';
import type { AlertmanagerMatcher, AlertmanagerPostableSilence } from './alertmanager.types';

/** Written as `createdBy`; with the delivery marker in the comment it finds our own silences. */
export const SILENCE_AUTHOR = 'Switchboard';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** RE2 (Go) and JavaScript agree on these escapes. */
const escapeRegex = (text: string) => text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/**
 * The one matcher that quiets a device's alerts: its label with the value as the alert carried
 * it, i.e. with any scheme, brackets, port or path the connector stripped
 * (`instance=~"(?:[a-zA-Z][a-zA-Z0-9+.-]*://)?\[?srv-web-01\]?\.?(?::[0-9]+)?(?:/.*)?"`).
 * Alertmanager anchors regex matchers at both ends.
 */
export function deviceMatcher(device: ExternalRef): AlertmanagerMatcher {
  const found = parseDeviceExternalId(device.id);
  if (!found)
    throw ConnectorError.invalid(
      `alertmanager: device id ${JSON.stringify(device.id.slice(0, 100))} is not label=value`,
    );
  const value = `(?:[a-zA-Z][a-zA-Z0-9+.-]*://)?\\[?${escapeRegex(found.value)}\\]?\\.?(?::[0-9]+)?(?:/.*)?`;
  return { name: found.label, value, isRegex: true, isEqual: true };
}

/**
 * Creates the silence once per delivery marker: the marker is written into the comment, and a
 * retry after a lost answer finds the silence (active or pending) by it instead of adding one.
 */
export async function silenceDevice(
  client: AlertmanagerClient,
  request: SilenceRequest,
  delivery: DeliveryMarker,
  now: Date,
): Promise<ExternalRef> {
  const matcher = deviceMatcher(request.device);
  if (!(request.endsAt.getTime() > now.getTime()))
    throw ConnectorError.invalid('alertmanager: a silence must end in the future');
  const tag = `[${delivery.marker}]`;
  const existing = (await client.silences()).find(
    (s) =>
      s.createdBy === SILENCE_AUTHOR && s.status.state !== 'expired' && s.comment.includes(tag),
  );
  if (existing) return { id: existing.id };
  const silence: AlertmanagerPostableSilence = {
    matchers: [matcher],
    startsAt: now.toISOString(),
    endsAt: request.endsAt.toISOString(),
    createdBy: SILENCE_AUTHOR,
    comment: `${request.reason.trim()} — ${request.link} ${tag}`,
  };
  return { id: await client.createSilence(silence) };
}

/** Expires the silence; one already expired or gone is left as it is. */
export async function expireSilence(
  client: AlertmanagerClient,
  silence: ExternalRef,
): Promise<void> {
  if (!UUID.test(silence.id)) throw ConnectorError.invalid('alertmanager: a silence id is a UUID');
  await client.expireSilence(silence.id);
}
