import { details } from './incident-details';
import { incidentStages, STAGE_KEYS, type StagesInput } from './incident-stages';

const at = (hhmm: string) => new Date(`2026-11-24T${hhmm}:00Z`);
const tools = new Map([
  ['rmm', 'NinjaOne'],
  ['mon', 'Zabbix'],
  ['psa', 'ConnectWise'],
]);

/** Server-01 at 2 AM: patched, rebooted, SQL Server found stopped, alerted, ticketed. */
function twoAm(over: Partial<StagesInput> = {}): StagesInput {
  return {
    cause: 'post-patch-reboot',
    state: 'open',
    resolvedAt: null,
    details: details({
      failed: ['MSSQLSERVER'],
      verification: [
        { subject: 'MSSQLSERVER', result: 'failed', at: at('02:10').toISOString(), source: 'rmm' },
      ],
    }),
    suspects: [
      {
        kind: 'patch',
        patchId: 'KB5034441',
        occurredAt: at('02:00'),
        status: 'suspected',
        rank: 1,
      },
      { kind: 'reboot', patchId: null, occurredAt: at('01:00'), status: 'suspected', rank: 3 },
      { kind: 'reboot', patchId: null, occurredAt: at('02:05'), status: 'suspected', rank: 2 },
    ],
    alerts: [{ instanceId: 'mon', problemId: 'P-1', createdAt: at('02:12') }],
    tickets: [
      {
        instanceId: 'psa',
        externalId: '4711',
        relation: 'incident-ticket',
        status: 'open',
        createdAt: at('02:11'),
      },
    ],
    rollbacks: [],
    timeline: [],
    device: { name: 'Server-01' },
    ...over,
  };
}

describe('the stages of an incident', () => {
  it('tells the 2 AM story up to the ticket, the rest not reached', () => {
    const stages = incidentStages(twoAm(), tools);
    expect(stages.map((s) => s.key)).toEqual([...STAGE_KEYS]);
    expect(stages.map((s) => [s.key, s.reached, s.status])).toEqual([
      ['patch', true, 'installed'],
      ['reboot', true, 'rebooted'],
      ['verification', true, 'failed'],
      ['alert', true, 'raised'],
      ['ticket', true, 'opened'],
      ['rollback', false, 'not reached'],
      ['recovery', false, 'not reached'],
    ]);
    // The reboot after the patch, not an older one.
    expect(stages[1].at).toEqual(at('02:05'));
    expect(stages[2].detail).toBe('MSSQLSERVER failed (NinjaOne)');
    expect(stages[3].detail).toBe('problem P-1 on Zabbix');
    expect(stages[4].detail).toBe('4711 on ConnectWise');
  });

  it('ends with the rollback and the recovery once rolled back', () => {
    const stages = incidentStages(
      twoAm({
        state: 'resolved',
        resolvedAt: at('02:40'),
        details: details({
          verification: [
            {
              subject: 'MSSQLSERVER',
              result: 'failed',
              at: at('02:10').toISOString(),
              source: 'rmm',
            },
          ],
          resolution: { by: 'rollback', note: 'Rolled back KB5034441 on Server-01.' },
        }),
        rollbacks: [
          {
            patchId: 'KB5034441',
            state: 'succeeded',
            requestedBy: 'ana',
            createdAt: at('02:30'),
            finishedAt: at('02:39'),
          },
        ],
      }),
      tools,
    );
    const [rollback, recovery] = stages.slice(-2);
    expect(rollback).toMatchObject({ reached: true, status: 'succeeded', tone: 'ok' });
    expect(rollback.detail).toBe('rollback of KB5034441 asked by ana');
    expect(recovery).toMatchObject({ reached: true, status: 'resolved', at: at('02:40') });
    expect(recovery.detail).toBe('Rolled back KB5034441 on Server-01.');
  });

  it('guesses nothing: an outage with no change, seen by monitoring only', () => {
    const stages = incidentStages(
      twoAm({
        cause: 'unknown',
        suspects: [],
        alerts: [],
        tickets: [],
        details: details({ failed: ['W3SVC'] }),
      }),
      tools,
    );
    expect(stages.filter((s) => s.reached)).toEqual([]);
    expect(stages[2].detail).toBe('not verified; monitoring reports W3SVC down');
  });

  it('skips a rejected patch and takes the confirmed one', () => {
    const stages = incidentStages(
      twoAm({
        suspects: [
          { kind: 'patch', patchId: 'KB1', occurredAt: at('02:00'), status: 'rejected', rank: 1 },
          { kind: 'patch', patchId: 'KB2', occurredAt: at('01:50'), status: 'confirmed', rank: 2 },
        ],
      }),
      tools,
    );
    expect(stages[0]).toMatchObject({
      status: 'confirmed cause',
      detail: 'KB2 installed on Server-01',
    });
    expect(stages[1].reached).toBe(false);
  });
});
