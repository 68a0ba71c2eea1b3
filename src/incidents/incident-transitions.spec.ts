import type { IncidentDetails } from './incident-details';
import {
  fail,
  mitigate,
  recover,
  recur,
  resolve,
  TransitionError,
  type HealthFact,
  type IncidentSnapshot,
  type Transition,
} from './incident-transitions';

const at = new Date('2026-11-24T02:10:00Z');

function incident(
  state: IncidentSnapshot['state'],
  d: Partial<IncidentDetails> = {},
): IncidentSnapshot {
  return {
    state,
    details: {
      failed: [],
      recovered: [],
      deviceDown: false,
      evidence: ['patch KB5034441 installed 10 min before'],
      rule: { name: 'post-patch-outage', settings: {} },
      verification: [],
      ...d,
    },
  };
}

function fact(kind: HealthFact['kind'], subject: string | null, extra: Partial<HealthFact> = {}) {
  return {
    kind,
    subject,
    origin: 'monitoring',
    at,
    source: 'monitor-1',
    deviceName: 'SERVER-01',
    ...extra,
  } satisfies HealthFact;
}

/** The parts of a transition a reader cares about, in one line per table row. */
function summary(t: Transition) {
  if (!t.changed) return { changed: false, timeline: t.timeline?.kind ?? null };
  return {
    state: t.state,
    timeline: t.timeline.kind,
    notify: t.notify,
    change: t.change,
    failed: t.details.failed,
    recovered: t.details.recovered,
    deviceDown: t.details.deviceDown,
    verified: t.details.verification.map((v) => `${v.subject} ${v.result}`),
  };
}

describe('incident transitions', () => {
  const sqlDown = incident('open', { failed: ['MSSQLSERVER'] });

  it.each<[string, Transition, ReturnType<typeof summary>]>([
    [
      'a second service failing is told as an update',
      fail(sqlDown, fact('service.down', 'W3SVC')),
      {
        state: 'open',
        timeline: 'updated',
        notify: 'updated',
        change: 'Also failing: W3SVC.',
        failed: ['MSSQLSERVER', 'W3SVC'],
        recovered: [],
        deviceDown: false,
        verified: [],
      },
    ],
    [
      'the device going down is told as such',
      fail(sqlDown, fact('device.down', null)),
      {
        state: 'open',
        timeline: 'updated',
        notify: 'updated',
        change: 'SERVER-01 is now down.',
        failed: ['MSSQLSERVER'],
        recovered: [],
        deviceDown: true,
        verified: [],
      },
    ],
    [
      'the same failure again is only a repeat on the timeline',
      fail(sqlDown, fact('service.down', 'MSSQLSERVER')),
      { changed: false, timeline: 'repeat' },
    ],
    [
      'the same failure from another monitor (a new alert) is an update',
      fail(sqlDown, fact('service.down', 'MSSQLSERVER'), true),
      {
        state: 'open',
        timeline: 'updated',
        notify: 'updated',
        change: 'Also reported by another monitor.',
        failed: ['MSSQLSERVER'],
        recovered: [],
        deviceDown: false,
        verified: [],
      },
    ],
    [
      'a failure found by verification is kept as a verification result',
      fail(sqlDown, fact('service.down', 'SQLSERVERAGENT', { origin: 'verification' })),
      {
        state: 'open',
        timeline: 'updated',
        notify: 'updated',
        change: 'Also failing: SQLSERVERAGENT.',
        failed: ['MSSQLSERVER', 'SQLSERVERAGENT'],
        recovered: [],
        deviceDown: false,
        verified: ['SQLSERVERAGENT failed'],
      },
    ],
    [
      'one of two failed services running again keeps the incident open',
      recover(incident('open', { failed: ['MSSQLSERVER', 'W3SVC'] }), fact('service.up', 'W3SVC')),
      {
        state: 'open',
        timeline: 'recovering',
        notify: 'updated',
        change: 'W3SVC is running again.',
        failed: ['MSSQLSERVER'],
        recovered: ['W3SVC'],
        deviceDown: false,
        verified: [],
      },
    ],
    [
      'the last failed service running again resolves it',
      recover(sqlDown, fact('service.up', 'MSSQLSERVER')),
      {
        state: 'resolved',
        timeline: 'resolved',
        notify: 'resolved',
        change: 'MSSQLSERVER is running again.',
        failed: [],
        recovered: ['MSSQLSERVER'],
        deviceDown: false,
        verified: [],
      },
    ],
    [
      'a check passing resolves a mitigating incident and is kept as verified',
      recover(incident('mitigating', { failed: ['disk'] }), fact('check.ok', 'disk')),
      {
        state: 'resolved',
        timeline: 'resolved',
        notify: 'resolved',
        change: 'disk is running again.',
        failed: [],
        recovered: ['disk'],
        deviceDown: false,
        verified: ['disk ok'],
      },
    ],
    [
      'the device up while a service is still down keeps it open',
      recover(
        incident('open', { failed: ['MSSQLSERVER'], deviceDown: true }),
        fact('device.up', null),
      ),
      {
        state: 'open',
        timeline: 'recovering',
        notify: 'updated',
        change: 'SERVER-01 is up again.',
        failed: ['MSSQLSERVER'],
        recovered: [],
        deviceDown: false,
        verified: [],
      },
    ],
    [
      'a recovery of something that was not failing changes nothing',
      recover(sqlDown, fact('service.up', 'Spooler')),
      { changed: false, timeline: null },
    ],
    [
      'a recovery on a resolved incident changes nothing',
      recover(incident('resolved', { failed: [] }), fact('service.up', 'MSSQLSERVER')),
      { changed: false, timeline: null },
    ],
    [
      'a failure within the recurrence period opens the resolved incident again',
      recur(
        incident('resolved', { recovered: ['MSSQLSERVER'] }),
        fact('service.down', 'MSSQLSERVER'),
        {
          recurrenceHours: 24,
          suppressed: false,
        },
      ),
      {
        state: 'open',
        timeline: 'recurred',
        notify: 'recurred',
        change: 'Recurred: service.down MSSQLSERVER within 24 h of recovery.',
        failed: ['MSSQLSERVER'],
        recovered: [],
        deviceDown: false,
        verified: [],
      },
    ],
    [
      'a person resolving it says who, in the timeline and to the tools',
      resolve(sqlDown, {
        by: 'Dana',
        note: 'fixed by hand',
        change: 'Resolved by Dana: fixed by hand',
        text: 'Resolved by Dana: fixed by hand',
        at,
      }),
      {
        state: 'resolved',
        timeline: 'resolved',
        notify: 'resolved',
        change: 'Resolved by Dana: fixed by hand',
        failed: ['MSSQLSERVER'],
        recovered: [],
        deviceDown: false,
        verified: [],
      },
    ],
    [
      'a rollback request mitigates and acknowledges the page',
      mitigate(sqlDown, { text: 'Dana asked the RMM to roll back KB5034441.', at }),
      {
        state: 'mitigating',
        timeline: 'rollback',
        notify: 'mitigating',
        change: 'Dana asked the RMM to roll back KB5034441.',
        failed: ['MSSQLSERVER'],
        recovered: [],
        deviceDown: false,
        verified: [],
      },
    ],
  ])('%s', (_situation, transition, expected) => {
    expect(summary(transition)).toEqual(expected);
  });

  it('keeps who resolved it and their note on the incident', () => {
    const t = resolve(sqlDown, { by: 'Dana', note: 'fixed by hand', change: 'x', at });
    expect(t.changed && t.details.resolution).toEqual({ by: 'Dana', note: 'fixed by hand' });
    expect(t.changed && t.resolvedAt).toEqual(at);
  });

  it('moves the outage start back to a failure reported from before the incident opened', () => {
    // Verification opened it at 02:10; monitoring had seen the server offline since 02:04.
    const opened = { ...sqlDown, openedAt: at };
    const early = new Date('2026-11-24T02:04:00Z');
    const t = fail(opened, fact('device.down', null, { at: early }));
    expect(t.changed && t.details.outageSince).toBe(early.toISOString());
    const later = fail(opened, fact('device.down', null, { at: new Date('2026-11-24T02:20:00Z') }));
    expect(later.changed && later.details.outageSince).toBe(at.toISOString());
  });

  it('marks a recurrence during a maintenance window as suppressed', () => {
    const t = recur(incident('resolved'), fact('device.down', null), {
      recurrenceHours: 24,
      suppressed: true,
    });
    expect(t.changed && [t.suppressed, t.resolvedAt]).toEqual([true, null]);
  });

  it.each<[string, () => Transition]>([
    ['failing a resolved incident', () => fail(incident('resolved'), fact('device.down', null))],
    [
      'resolving a resolved incident',
      () => resolve(incident('resolved'), { by: 'x', change: 'x', at }),
    ],
    ['mitigating a resolved incident', () => mitigate(incident('resolved'), { text: 'x', at })],
    [
      'recurring an open incident',
      () => recur(sqlDown, fact('device.down', null), { recurrenceHours: 1, suppressed: false }),
    ],
  ])('refuses %s', (_name, transition) => {
    expect(transition).toThrow(TransitionError);
  });
});
