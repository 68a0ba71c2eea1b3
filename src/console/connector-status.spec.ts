import type { InstanceActivity } from './connector-health';
import { checkView, duration, healthOf, type InstanceView } from './connector-status';

const quiet = (): InstanceActivity => ({
  webhook: { received: 0, failed: 0, lastAt: null },
  poll: { received: 0, failed: 0, lastAt: null },
  outbox: { waiting: 0, retrying: 0, lastError: null },
  pollingNow: false,
});

const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000);

function view(polling: Partial<InstanceView['polling'][number]>[], enabled = true): InstanceView {
  return {
    id: 'i',
    kind: 'k',
    name: 'n',
    enabled,
    capabilities: [],
    settings: {},
    secretsSet: [],
    webhook: null,
    pollIntervalSeconds: 300,
    nextPollAt: at(-60),
    requestBudget: { perHour: null, usedLastHour: 0 },
    circuit: {
      state: 'closed',
      consecutiveFailures: 0,
      openUntil: null,
      openedAt: null,
      timesOpened: 0,
      lastFailure: null,
      lastFailureAt: null,
    },
    polling: polling.map((p) => ({
      stream: 'devices',
      cursor: null,
      lastSuccessAt: null,
      lastError: null,
      lastErrorAt: null,
      lastDurationMs: null,
      lastRecords: null,
      lagSeconds: null,
      ...p,
    })),
    createdAt: at(1000),
    updatedAt: at(1000),
  } as InstanceView;
}

describe('connector health', () => {
  it('formats durations for people', () => {
    expect(duration(45)).toBe('45 s');
    expect(duration(720)).toBe('12 min');
    expect(duration(3 * 3600 + 300)).toBe('3 h 5 min');
    expect(duration(2 * 86400 + 4 * 3600)).toBe('2 d 4 h');
  });

  it('is healthy when every stream succeeded lately', () => {
    const h = healthOf(view([{ lastSuccessAt: at(30), lagSeconds: 30 }]), true, quiet());
    expect(h).toMatchObject({ state: 'ok', label: 'Healthy', reasons: [], pollEvery: '5 min' });
    expect(h.streams[0].lag).toBe('30 s');
  });

  it('fails when a stream failed after its last success, not when it recovered since', () => {
    const failing = healthOf(
      view([
        { lastSuccessAt: at(900), lastError: 'auth: 401', lastErrorAt: at(10), lagSeconds: 900 },
      ]),
      true,
      quiet(),
    );
    expect(failing).toMatchObject({ state: 'bad', reasons: ['the last devices poll failed'] });
    const recovered = healthOf(
      view([
        { lastSuccessAt: at(10), lastError: 'auth: 401', lastErrorAt: at(900), lagSeconds: 10 },
      ]),
      true,
      quiet(),
    );
    expect(recovered.state).toBe('ok');
    expect(recovered.streams[0].failing).toBe(false);
  });

  it('warns about late polls, retrying deliveries and records that failed to normalize', () => {
    const activity = quiet();
    activity.outbox.retrying = 2;
    activity.webhook.failed = 1;
    const h = healthOf(view([{ lastSuccessAt: at(4000), lagSeconds: 4000 }]), true, activity);
    expect(h.state).toBe('warn');
    expect(h.reasons).toEqual([
      'devices polls are late (last success 1 h 6 min ago)',
      '2 deliveries retrying',
      '1 record failed to normalize in the last hour',
    ]);
  });

  it('says when the circuit breaker paused the tool and when calls go again', () => {
    const paused = view([{ lastSuccessAt: at(30), lagSeconds: 30 }]);
    paused.circuit = {
      ...paused.circuit,
      state: 'open',
      consecutiveFailures: 10,
      openUntil: new Date('2026-12-05T10:31:00Z'),
      lastFailure: 'HTTP 503',
    };
    expect(healthOf(paused, true, quiet())).toMatchObject({
      state: 'bad',
      label: 'Paused',
      reasons: [
        'paused by its circuit breaker after 10 failed calls in a row (last: HTTP 503); calls go again at 10:31:00 UTC',
      ],
    });
    paused.circuit.state = 'half-open';
    expect(healthOf(paused, true, quiet())).toMatchObject({
      state: 'warn',
      reasons: ['its circuit breaker is letting calls through again after a pause'],
    });
  });

  it('shows the request budget and warns when it is spent', () => {
    const v = view([{ lastSuccessAt: at(30), lagSeconds: 30 }]);
    v.requestBudget = { perHour: 400, usedLastHour: 100 };
    expect(healthOf(v, true, quiet())).toMatchObject({
      state: 'ok',
      budget: { perHour: 400, used: 100, percent: 25 },
    });
    v.requestBudget.usedLastHour = 400;
    expect(healthOf(v, true, quiet())).toMatchObject({
      state: 'warn',
      reasons: ['request budget spent (400 of 400 calls in the last hour): calls wait'],
    });
  });

  it('says so when an instance is disabled or not polled yet', () => {
    expect(healthOf(view([], false), true, quiet()).state).toBe('off');
    expect(healthOf(view([]), true, quiet())).toMatchObject({
      state: 'new',
      label: 'Not polled yet',
    });
    expect(healthOf(view([]), false, quiet())).toMatchObject({ state: 'ok', pollEvery: null });
  });
});

describe('test connection outcome', () => {
  it('sums up the capabilities checked', () => {
    expect(checkView({ devices: { status: 'ok' }, health: { status: 'ok' } })).toMatchObject({
      state: 'ok',
      summary: 'Connection works: 2 of 2 checks passed.',
    });
    const bad = checkView({
      devices: { status: 'ok' },
      rollback: { status: 'error', detail: 'set settings.rollbackScriptId' },
      patches: { status: 'denied', detail: 'x'.repeat(600) },
    });
    expect(bad.state).toBe('bad');
    expect(bad.summary).toBe('2 of 3 checks failed: rollback, patches.');
    expect(bad.lines[2].detail).toHaveLength(501);
    expect(checkView({}).state).toBe('warn');
  });
});
