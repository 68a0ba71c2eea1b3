import type { Change } from './post-patch-outage.rule';
import type { RuleSettings } from './rule-settings';

/**
 * A device.down is an expected patch reboot when the device rebooted within the grace period
 * before it, or when a patch that needs a reboot was installed within the window and no
 * reboot has been reported since (the RMM often reports the reboot after the monitoring does).
 */
export function isExpectedRebootDown(
  at: Date,
  changes: Change[],
  rules: RuleSettings,
  rebootRequired: (c: Change) => boolean,
): boolean {
  const graceMs = rules.rebootGraceMinutes * 60_000;
  const windowMs = rules.windowHours * 3_600_000;
  const t = at.getTime();
  const rebootJustBefore = changes.some(
    (c) =>
      c.kind === 'reboot' &&
      t - c.occurredAt.getTime() <= graceMs &&
      c.occurredAt.getTime() <= t + graceMs,
  );
  if (rebootJustBefore) return true;
  const pending = changes
    .filter(
      (c) =>
        c.kind === 'patch' &&
        c.status === 'installed' &&
        rebootRequired(c) &&
        t - c.occurredAt.getTime() <= windowMs &&
        c.occurredAt.getTime() <= t,
    )
    .some(
      (p) =>
        !changes.some(
          (r) => r.kind === 'reboot' && r.occurredAt >= p.occurredAt && r.occurredAt.getTime() <= t,
        ),
    );
  return pending;
}
