import type { Page, RawRecord } from '../contract/connector';
import type { AlertmanagerClient } from './alertmanager.client';
import { fromListedAlert, missingAlert } from './alertmanager.records';
import type { AlertmanagerSettings } from './alertmanager.settings';
import { isLabels, isObj, parseTime } from './alertmanager.validate';

/** One alert the poll saw firing: what a resolution needs once it is gone. */
interface SeenAlert {
  /** startsAt, as listed. */
  s: string;
  /** endsAt, as listed (the expected end while firing). */
  e?: string;
  /** labels. */
  l: Record<string, string>;
  /** summary annotation, when there was one. */
  m?: string;
  /** When a poll first found it missing; it resolves once missing for the grace period. */
  g?: string;
}

/** The pull cursor: the alerts firing at the last poll, by fingerprint. */
interface PollCursor {
  v: 1;
  at: string;
  firing: Record<string, SeenAlert>;
}

/** A cursor this connector did not write (or an older format) starts over: nothing is resolved. */
export function readCursor(cursor: string | null): PollCursor | undefined {
  if (!cursor) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    return undefined;
  }
  if (!isObj(parsed) || parsed.v !== 1 || !isObj(parsed.firing)) return undefined;
  const firing: Record<string, SeenAlert> = {};
  for (const [fingerprint, seen] of Object.entries(parsed.firing)) {
    if (isObj(seen) && typeof seen.s === 'string' && isLabels(seen.l))
      firing[fingerprint] = seen as unknown as SeenAlert;
  }
  return { v: 1, at: String(parsed.at), firing };
}

/** The labels the mapping reads: all a resolution needs, so the cursor stays small. */
function mappedLabels(
  labels: Record<string, string>,
  settings: AlertmanagerSettings,
): Record<string, string> {
  const keep = new Set([
    'alertname',
    ...settings.deviceLabels,
    settings.clientLabel,
    ...settings.serviceLabels,
    settings.severityLabel,
  ]);
  return Object.fromEntries(Object.entries(labels).filter(([name]) => keep.has(name)));
}

const sameStart = (a: string, b: string) => parseTime(a)?.getTime() === parseTime(b)?.getTime();

/**
 * pullHealth: one GET /api/v2/alerts (no paging exists). Every listed alert is a firing
 * record (the key the webhook gives it, so the inbox keeps one); every alert firing at an
 * earlier poll that has not been listed for `missingGraceSeconds` — resolved without a
 * notification reaching us, expired, or lost by a restart — becomes a resolved record, dated
 * when it was first found missing. The grace covers a restarted Alertmanager that Prometheus
 * fills again (it re-sends firing alerts every minute, with their old startsAt, whose firing key
 * the inbox already holds). An alert that fired again (same labels, new startsAt) resolves its
 * earlier occurrence.
 */
export async function pullHealth(
  client: AlertmanagerClient,
  settings: AlertmanagerSettings,
  now: Date,
  cursor: string | null,
): Promise<Page> {
  const previous = readCursor(cursor);
  const listed = await client.alerts({ receiver: settings.receiver, filters: settings.filters });
  const records: RawRecord[] = [];
  const firing: Record<string, SeenAlert> = {};
  for (const alert of listed) {
    if (firing[alert.fingerprint]) continue;
    records.push(fromListedAlert(alert));
    const summary = alert.annotations?.summary;
    firing[alert.fingerprint] = {
      s: alert.startsAt,
      ...(parseTime(alert.endsAt) ? { e: alert.endsAt } : {}),
      l: mappedLabels(alert.labels, settings),
      ...(summary ? { m: summary } : {}),
    };
  }
  const graceMs = settings.missingGraceSeconds * 1000;
  for (const [fingerprint, seen] of Object.entries(previous?.firing ?? {})) {
    const still = firing[fingerprint];
    if (still && sameStart(still.s, seen.s)) continue;
    const since = parseTime(seen.g) ?? now;
    if (now.getTime() - since.getTime() < graceMs && !still) {
      firing[fingerprint] = { ...seen, g: since.toISOString() };
      continue;
    }
    records.push(
      missingAlert(
        { fingerprint, startsAt: seen.s, endsAt: seen.e, labels: seen.l },
        since,
        seen.m ? { summary: seen.m } : {},
      ),
    );
  }
  const next: PollCursor = { v: 1, at: now.toISOString(), firing };
  return { records, cursor: JSON.stringify(next), more: false };
}
