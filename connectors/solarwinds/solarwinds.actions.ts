import type { DeliveryMarker, ExternalRef } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import type { SwisClient } from './solarwinds.client';
import {
  ACTIVE_STATE,
  HISTORY_ACKNOWLEDGED,
  HISTORY_NOTE,
  NOTES_WITH_MARKER,
} from './solarwinds.queries';
import { isObj } from './solarwinds.validate';

const ALERT_ACTIVE = 'Orion.AlertActive';

/** Orion keeps notes as nvarchar text; its limit is UNCONFIRMED, so stay well inside 4,000. */
export const MAX_NOTE = 3500;

/** What Acknowledge writes as its own note (the verb requires one). */
export const ACK_NOTE = 'Acknowledged by Switchboard';

function clip(text: string, max: number): string {
  const chars = Array.from(text.trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** The note with its delivery marker on a last line of its own, kept when the text is clipped. */
export function withMarker(text: string, delivery: DeliveryMarker | undefined): string {
  if (!delivery) return clip(text, MAX_NOTE);
  const tail = `\n[${delivery.marker}]`;
  const body = clip(text, MAX_NOTE - tail.length);
  return body === '' ? '' : `${body}${tail}`;
}

/**
 * Whether an earlier attempt already wrote this marker: AppendNote leaves an Orion.AlertHistory
 * row of EventType 3 with the note in Message (S3), Acknowledge one of EventType 2. The LIKE
 * pattern holds the marker without its brackets ([ ] is a character class in LIKE); the exact
 * "[marker]" is then checked here.
 */
async function alreadyNoted(
  client: SwisClient,
  alertObjectId: number,
  { marker }: DeliveryMarker,
): Promise<boolean> {
  const rows = await client.query(NOTES_WITH_MARKER, {
    alertObjectId,
    types: [HISTORY_ACKNOWLEDGED, HISTORY_NOTE],
    marker: `%${marker}%`,
  });
  return rows.some(
    (r) => isObj(r) && typeof r.Message === 'string' && r.Message.includes(`[${marker}]`),
  );
}

/** Whether the alert is active now and already acknowledged. */
async function activeState(client: SwisClient, alertObjectId: number) {
  const rows = await client.query(ACTIVE_STATE, { alertObjectId });
  const active = rows.filter(isObj);
  return { active: active.length > 0, acknowledged: active.some((r) => r.Acknowledged === true) };
}

/** A verb answers true, or false for a logical failure with HTTP 200 (S3). */
function expectTrue(verb: string, answer: unknown): void {
  if (answer === true) return;
  if (answer === false)
    throw new ConnectorError(
      `solarwinds ${verb}: Orion answered false (the alert object may be gone or the account lacks the clearEvents right)`,
      'not-found',
      false,
    );
  throw ConnectorError.invalid(`solarwinds ${verb}: the answer is not a boolean`);
}

/**
 * Appends the note to the alert (AppendNote), once per delivery marker; then, when the instance
 * says so and the alert is still active and not acknowledged yet, acknowledges it. `target.id`
 * is the AlertObjectID (HealthSeen.problemId): the verbs take AlertObjectIDs, not AlertActiveIDs.
 */
export async function pushAlertNote(
  client: SwisClient,
  target: ExternalRef,
  text: string,
  acknowledge: boolean,
  delivery?: DeliveryMarker,
): Promise<void> {
  if (!/^\d{1,15}$/.test(target.id))
    throw ConnectorError.invalid(
      'solarwinds AppendNote: the target must be a numeric AlertObjectID',
    );
  const alertObjectId = Number(target.id);
  const note = withMarker(text, delivery);
  if (note === '') throw ConnectorError.invalid('solarwinds AppendNote: empty note');
  if (!delivery || !(await alreadyNoted(client, alertObjectId, delivery)))
    expectTrue(
      'AppendNote',
      await client.invoke(ALERT_ACTIVE, 'AppendNote', [[alertObjectId], note]),
    );
  if (!acknowledge) return;
  const state = await activeState(client, alertObjectId);
  // A reset alert has nothing left to acknowledge; an acknowledged one needs nothing more.
  if (!state.active || state.acknowledged) return;
  expectTrue(
    'Acknowledge',
    await client.invoke(ALERT_ACTIVE, 'Acknowledge', [[alertObjectId], ACK_NOTE]),
  );
}
