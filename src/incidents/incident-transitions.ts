import type { HealthKind, HealthOrigin } from '../../connectors/contract/canonical';
import type { IncidentState } from './entities/incident.entity';
import { details, type IncidentDetails } from './incident-details';

/** A health fact as the lifecycle needs it: what, on which subject, from where, when. */
export interface HealthFact {
  kind: HealthKind;
  subject: string | null;
  /** Monitoring reported it, or a verification (a post-patch check, a script) found it. */
  origin: HealthOrigin;
  at: Date;
  /** The connector instance that reported it. */
  source: string;
  /** The check (a script) that said it, when not the tool itself. */
  check?: string;
  deviceName: string;
}

/** The part of an incident a transition reads. */
export interface IncidentSnapshot {
  state: IncidentState;
  details: IncidentDetails;
  openedAt?: Date;
}

export function snapshotOf(i: {
  state: IncidentState;
  details: object;
  openedAt?: Date;
}): IncidentSnapshot {
  return { state: i.state, details: details(i.details), openedAt: i.openedAt };
}

/** The earlier of what the incident knew as the outage's start and a failure seen now. */
function outageSince(i: IncidentSnapshot, at: Date): string {
  const known = i.details.outageSince ?? i.openedAt?.toISOString();
  return known && Date.parse(known) <= at.getTime() ? known : at.toISOString();
}

export type Notification = 'updated' | 'resolved' | 'recurred' | 'mitigating' | null;

/** What a transition decided: nothing, a note for the record only, or a change. */
export type Transition =
  | { changed: false; at: Date; timeline?: { kind: string; text: string } }
  | {
      changed: true;
      at: Date;
      state: IncidentState;
      details: IncidentDetails;
      resolvedAt?: Date | null;
      suppressed?: boolean;
      timeline: { kind: string; text: string };
      /** Who must be told, and the one sentence that says what changed. */
      notify: Notification;
      change: string;
    };

export class TransitionError extends Error {}

const label = (f: HealthFact) => (f.subject ? `${f.kind} ${f.subject}` : f.kind);

/** A verification result is kept as such on the incident: a check, or a verification origin. */
function verified(d: IncidentDetails, f: HealthFact, result: 'failed' | 'ok'): IncidentDetails {
  if (f.origin !== 'verification' && !f.kind.startsWith('check.')) return d;
  const entry = {
    subject: f.subject ?? 'check',
    what: f.kind.startsWith('check.') ? ('check' as const) : ('service' as const),
    result,
    at: f.at.toISOString(),
    source: f.source,
    ...(f.check ? { by: f.check } : {}),
  };
  return { ...d, verification: [...d.verification, entry] };
}

function assertOpen(i: IncidentSnapshot, what: string): void {
  if (i.state === 'resolved') throw new TransitionError(`${what}: the incident is resolved`);
}

/** A failure on an open incident: a new subject, the device now down, or a new alert on it. */
export function fail(i: IncidentSnapshot, f: HealthFact, newAlert = false): Transition {
  assertOpen(i, 'fail');
  const d = i.details;
  const newSubject = Boolean(f.subject && !d.failed.includes(f.subject));
  const newDown = f.kind === 'device.down' && !d.deviceDown;
  if (!newSubject && !newDown && !newAlert)
    // Flapping or a duplicate report of what the incident already says: no new message.
    return {
      changed: false,
      at: f.at,
      timeline: { kind: 'repeat', text: `Repeated: ${label(f)}.` },
    };
  const next = verified(
    {
      ...d,
      failed: newSubject ? [...d.failed, f.subject!] : d.failed,
      deviceDown: d.deviceDown || f.kind === 'device.down',
      recovered: d.recovered.filter((s) => s !== f.subject),
      outageSince: outageSince(i, f.at),
    },
    f,
    'failed',
  );
  const change = newDown
    ? `${f.deviceName} is now down.`
    : newSubject
      ? `Also failing: ${f.subject}.`
      : `Also reported by another monitor.`;
  return {
    changed: true,
    at: f.at,
    state: i.state,
    details: next,
    timeline: { kind: 'updated', text: change },
    notify: 'updated',
    change,
  };
}

/** A recovery: resolves the incident when nothing is failing any more. */
export function recover(i: IncidentSnapshot, f: HealthFact): Transition {
  const d = i.details;
  const recovers =
    i.state !== 'resolved' &&
    (f.kind === 'device.up' ? d.deviceDown : Boolean(f.subject && d.failed.includes(f.subject)));
  if (!recovers) return { changed: false, at: f.at };
  const next = verified(
    {
      ...d,
      deviceDown: f.kind === 'device.up' ? false : d.deviceDown,
      failed: f.kind === 'device.up' ? d.failed : d.failed.filter((s) => s !== f.subject),
      recovered: f.subject && f.kind !== 'device.up' ? [...d.recovered, f.subject] : d.recovered,
    },
    f,
    'ok',
  );
  const change =
    f.kind === 'device.up' ? `${f.deviceName} is up again.` : `${f.subject} is running again.`;
  if (next.deviceDown || next.failed.length > 0)
    return {
      changed: true,
      at: f.at,
      state: i.state,
      details: next,
      timeline: { kind: 'recovering', text: change },
      notify: 'updated',
      change,
    };
  return resolve({ ...i, details: next }, { by: 'switchboard', change, at: f.at });
}

/** The outage came back within the recurrence period: the resolved incident opens again. */
export function recur(
  i: IncidentSnapshot,
  f: HealthFact,
  context: { recurrenceHours: number; suppressed: boolean },
): Transition {
  if (i.state !== 'resolved') throw new TransitionError('recur: the incident is not resolved');
  const change = `Recurred: ${label(f)} within ${context.recurrenceHours} h of recovery.`;
  return {
    changed: true,
    at: f.at,
    state: 'open',
    resolvedAt: null,
    suppressed: context.suppressed,
    details: {
      ...i.details,
      failed: f.subject ? [f.subject] : [],
      deviceDown: f.kind === 'device.down',
      recovered: [],
      outageSince: f.at.toISOString(),
    },
    timeline: { kind: 'recurred', text: change },
    notify: 'recurred',
    change,
  };
}

/**
 * Resolved by Switchboard (a recovery), a person (`text` says who) or the helpdesk (a ticket
 * closed there). `change` is what the tools are told.
 */
export function resolve(
  i: IncidentSnapshot,
  r: { by: string; change: string; at: Date; text?: string; note?: string },
): Transition {
  assertOpen(i, 'resolve');
  return {
    changed: true,
    at: r.at,
    state: 'resolved',
    resolvedAt: r.at,
    details: { ...i.details, resolution: { by: r.by, note: r.note ?? r.change } },
    timeline: { kind: 'resolved', text: r.text ?? `Resolved: ${r.change}` },
    notify: 'resolved',
    change: r.change,
  };
}

/** A rollback was requested: the incident is being mitigated (the pager is acknowledged). */
export function mitigate(i: IncidentSnapshot, m: { text: string; at: Date }): Transition {
  assertOpen(i, 'mitigate');
  return {
    changed: true,
    at: m.at,
    state: 'mitigating',
    details: i.details,
    timeline: { kind: 'rollback', text: m.text },
    notify: 'mitigating',
    change: m.text,
  };
}

/**
 * News of a rollback the ticket must hear (refused, waiting for approval, failed). A failed
 * or refused rollback ends the mitigation: the incident is open again, never stuck mitigating.
 */
export function rollbackNews(
  i: IncidentSnapshot,
  n: { text: string; at: Date; endsMitigation: boolean },
): Transition {
  return {
    changed: true,
    at: n.at,
    state: n.endsMitigation && i.state === 'mitigating' ? 'open' : i.state,
    details: i.details,
    timeline: { kind: 'rollback', text: n.text },
    notify: 'updated',
    change: n.text,
  };
}

/**
 * A verified rollback: the patch is gone and the failed services run again, so the incident
 * is resolved with what was done as the change the tools are told.
 */
export function rolledBack(
  i: IncidentSnapshot,
  r: { change: string; at: Date; running: string[]; source: string },
): Transition {
  if (i.state === 'resolved')
    return rollbackNews(i, { text: r.change, at: r.at, endsMitigation: false });
  const d = i.details;
  const entries = r.running.map((subject) => ({
    subject,
    what: 'service' as const,
    result: 'ok' as const,
    at: r.at.toISOString(),
    source: r.source,
    by: 'rollback verification',
  }));
  const next: IncidentDetails = {
    ...d,
    failed: d.failed.filter((s) => !r.running.includes(s)),
    recovered: [...d.recovered, ...r.running.filter((s) => !d.recovered.includes(s))],
    deviceDown: false,
    verification: [...d.verification, ...entries],
  };
  return resolve({ ...i, details: next }, { by: 'rollback', change: r.change, at: r.at });
}
