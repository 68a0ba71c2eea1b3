import { isExpectedRebootDown } from './expected-reboot.rule';
import { detectWave } from './patch-wave.rule';
import { assessOutage, type Change } from './post-patch-outage.rule';
import {
  criticalServicesFor,
  DEFAULT_RULES,
  effectiveRules,
  validateOverride,
} from './rule-settings';

const at = (hhmm: string) => new Date(`2026-11-24T${hhmm}:00Z`);
let n = 0;
const patch = (hhmm: string, patchId = 'KB5034441', status = 'installed'): Change => ({
  id: String(++n),
  kind: 'patch',
  patchId,
  title: `${patchId} update`,
  status,
  occurredAt: at(hhmm),
});
const reboot = (hhmm: string): Change => ({
  id: String(++n),
  kind: 'reboot',
  patchId: null,
  title: null,
  status: 'rebooted',
  occurredAt: at(hhmm),
});

describe('post-patch outage rule', () => {
  it.each([
    [
      'a service down after a patch and a reboot',
      'service.down',
      [patch('02:00'), reboot('02:05')],
      'post-patch-reboot',
      // By score, not recency: the patch (0.68) above the newer reboot (0.28).
      ['KB5034441', 'reboot'],
    ],
    [
      'a device down after a patch with no reboot',
      'device.down',
      [patch('02:00')],
      'post-patch',
      ['KB5034441'],
    ],
    [
      'a service down after a reboot only',
      'service.down',
      [reboot('02:05')],
      'post-reboot',
      ['reboot'],
    ],
    ['a service down with no change at all', 'service.down', [], 'unknown', []],
    [
      'a patch older than the 6 h window',
      'service.down',
      [patch('19:00'.replace('19', '00'))].map((c) => ({
        ...c,
        occurredAt: new Date('2026-11-23T19:00:00Z'),
      })),
      'unknown',
      [],
    ],
    ['a patch installed after the outage', 'service.down', [patch('03:00')], 'unknown', []],
    [
      'two patches and a reboot: highest score first',
      'service.down',
      [patch('01:00', 'KB1'), patch('02:00', 'KB2'), reboot('02:05')],
      'post-patch-reboot',
      ['KB2', 'KB1', 'reboot'],
    ],
    [
      'one install reported twice (patch row and activity) and one reboot from two sources',
      'service.down',
      [patch('02:00'), { ...patch('02:00'), title: null }, reboot('02:05'), reboot('02:07')],
      'post-patch-reboot',
      ['KB5034441', 'reboot'],
    ],
    [
      'two reboots far apart stay two suspects',
      'service.down',
      [patch('01:00'), reboot('01:05'), reboot('02:05')],
      'post-patch-reboot',
      ['KB5034441', 'reboot', 'reboot'],
    ],
  ])('%s', (_name, kind, changes, cause, order) => {
    const result = assessOutage(
      { at: at('02:30'), kind, subject: 'MSSQLSERVER', changes, hurtElsewhere: {} },
      DEFAULT_RULES,
    );
    expect(result.cause).toBe(cause);
    expect(result.suspects.map((s) => s.change.patchId ?? 'reboot')).toEqual(order);
    expect(result.suspects.map((s) => s.rank)).toEqual(order.map((_, i) => i + 1));
    const scores = result.suspects.map((s) => s.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    if (order.length === 0) expect(result.confidence).toBe(0);
  });

  it('keeps the title of a patch reported twice when only one report had it', () => {
    const untitled = { ...patch('02:00'), title: null };
    const result = assessOutage(
      {
        at: at('02:30'),
        kind: 'service.down',
        subject: 'MSSQLSERVER',
        changes: [untitled, patch('01:59')],
        hurtElsewhere: {},
      },
      DEFAULT_RULES,
    );
    expect(result.suspects).toHaveLength(1);
    expect(result.suspects[0].change).toMatchObject({ id: untitled.id, title: 'KB5034441 update' });
  });

  it('suspects first a KB blocked for the client after a rollback that came back', () => {
    const changes: Change[] = [patch('01:00', 'KB5034441'), patch('02:00', 'KB5035000')];
    const facts = { at: at('02:30'), kind: 'service.down', subject: 'MSSQLSERVER', changes };
    const plain = assessOutage({ ...facts, hurtElsewhere: {} }, DEFAULT_RULES);
    expect(plain.suspects[0].change.patchId).toBe('KB5035000');
    const blocked = assessOutage(
      { ...facts, hurtElsewhere: {}, blocked: ['KB5034441'] },
      DEFAULT_RULES,
    );
    expect(blocked.suspects[0].change.patchId).toBe('KB5034441');
    expect(blocked.suspects[0].reasons).toContain(
      'KB5034441 is blocked for this client after a rollback, yet came back',
    );
  });

  it('gives every suspect its reasons: distance, the following reboot, a known issue, the same KB elsewhere', () => {
    const rules = effectiveRules({
      knownIssues: [{ patchId: 'KB5034441', services: ['MSSQLSERVER'], note: 'WinRE partition' }],
    });
    const result = assessOutage(
      {
        at: at('02:30'),
        kind: 'service.down',
        subject: 'MSSQLSERVER',
        changes: [patch('02:00'), reboot('02:05')],
        hurtElsewhere: { KB5034441: 2 },
      },
      rules,
    );
    const kb = result.suspects.find((s) => s.change.kind === 'patch')!;
    expect(kb.reasons).toEqual([
      'on this device, 30 min before the outage',
      'a reboot followed the install',
      'known issue: KB5034441 breaks MSSQLSERVER (WinRE partition)',
      'the same patch hurt 2 other devices in the last 24 h',
    ]);
    expect(kb.score).toBe(0.99); // 0.5 + 0.2 + 0.25 + 0.1 − 0.025, capped below certainty
    expect(result.confidence).toBe(kb.score);
    expect(result.suspects.find((s) => s.change.kind === 'reboot')!.reasons).toContain(
      'the reboot followed a patch install',
    );
  });

  it('trusts a distant patch less than a recent one', () => {
    const near = assessOutage(
      {
        at: at('02:30'),
        kind: 'service.down',
        subject: null,
        changes: [patch('02:20')],
        hurtElsewhere: {},
      },
      DEFAULT_RULES,
    );
    const far = assessOutage(
      {
        at: at('02:30'),
        kind: 'service.down',
        subject: null,
        changes: [patch('21:00'.replace('21', '00'))],
        hurtElsewhere: {},
      },
      DEFAULT_RULES,
    );
    expect(near.confidence).toBeGreaterThan(far.confidence);
  });

  it('honours a per-client window', () => {
    const result = assessOutage(
      {
        at: at('02:30'),
        kind: 'service.down',
        subject: null,
        changes: [patch('00:00')],
        hurtElsewhere: {},
      },
      effectiveRules({ windowHours: 1 }),
    );
    expect(result.cause).toBe('unknown');
  });
});

describe('expected reboot rule', () => {
  const needsReboot = () => true;
  it.each([
    ['down 2 min after its patch reboot', [patch('02:00'), reboot('02:05')], '02:07', true],
    [
      'down after a patch that needs a reboot, before the RMM reports the reboot',
      [patch('02:00')],
      '02:03',
      true,
    ],
    [
      'down 40 min after its reboot (outside the 15 min grace)',
      [patch('02:00'), reboot('02:05')],
      '02:45',
      false,
    ],
    ['down with no patch or reboot', [], '02:07', false],
  ])('%s', (_name, changes, when, expected) => {
    expect(isExpectedRebootDown(at(when), changes, DEFAULT_RULES, needsReboot)).toBe(expected);
  });

  it('does not wait for a reboot the patch does not need', () => {
    expect(isExpectedRebootDown(at('02:03'), [patch('02:00')], DEFAULT_RULES, () => false)).toBe(
      false,
    );
  });
});

describe('patch wave rule', () => {
  it.each([
    [
      'three servers across two clients',
      [
        ['d1', 'c1'],
        ['d2', 'c1'],
        ['d3', 'c2'],
      ],
      { devices: 3, clients: 2 },
    ],
    [
      'two servers (below the default of three)',
      [
        ['d1', 'c1'],
        ['d2', 'c2'],
      ],
      null,
    ],
    [
      'the same server counted once',
      [
        ['d1', 'c1'],
        ['d1', 'c1'],
        ['d2', 'c1'],
      ],
      null,
    ],
  ])('%s', (_name, hurt, expected) => {
    const wave = detectWave(
      { patchId: 'KB5034441', hurt: hurt.map(([deviceId, clientId]) => ({ deviceId, clientId })) },
      DEFAULT_RULES,
    );
    if (expected === null) expect(wave).toBeNull();
    else
      expect(wave).toMatchObject({
        ...expected,
        recommendation: expect.stringContaining('Pause the rollout of KB5034441'),
      });
  });
});

describe('rule settings', () => {
  it('merges a client override over the defaults', () => {
    const rules = effectiveRules({
      windowHours: 2,
      criticalServices: { default: ['Spooler'], byRole: { sql: ['MSSQL$ACME'] }, byDevice: {} },
    });
    expect(rules.windowHours).toBe(2);
    expect(rules.rebootGraceMinutes).toBe(15);
    expect(rules.criticalServices.byRole.web).toEqual(['W3SVC']);
    expect(criticalServicesFor(rules, { role: 'SQL', hostnameKey: 'srv' })).toEqual([
      'Spooler',
      'MSSQL$ACME',
    ]);
  });

  it.each([
    [{ windowHours: 'six' }, 'windowHours'],
    [{ waveMinDevices: 1 }, 'waveMinDevices'],
    [{ bogus: 1 }, 'bogus: unknown setting'],
    [{ knownIssues: [{ patchId: 'KB1' }] }, 'knownIssues[0]'],
    [{ criticalServices: { byRole: { sql: 'MSSQLSERVER' } } }, 'criticalServices.byRole.sql'],
  ])('rejects %j naming the field', (override, field) => {
    expect(validateOverride(override).join('; ')).toContain(field);
  });
});
