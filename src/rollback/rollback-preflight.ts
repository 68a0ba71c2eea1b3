import type { PreflightCheck } from './entities/rollback.entity';
import type { UnremovableRule } from './unremovable-patches';
import { unremovableBy } from './unremovable-patches';

/** Everything the pre-flight looks at, read in the request's transaction. */
export interface PreflightFacts {
  deviceName: string;
  patchId: string;
  patchTitle: string | null;
  /** The device's latest recorded status for the patch; null when never seen on it. */
  patchStatus: string | null;
  rules: readonly UnremovableRule[];
  /** An active rollback on the device (another one), when there is one. */
  active: { id: string; patchId: string; state: string } | null;
  /** null: no RMM reported it yet. */
  online: boolean | null;
  rmm: { name: string } | null;
  requiresApproval: boolean;
  whenOnline: boolean;
}

export type PreflightOutcome =
  | { go: 'refused'; reason: string }
  | { go: 'awaiting-approval' }
  | { go: 'waiting-for-device' }
  | { go: 'running' };

/** Each check in words, passed or not, and what the request turns into. */
export function preflight(f: PreflightFacts): {
  checks: PreflightCheck[];
  outcome: PreflightOutcome;
} {
  const checks: PreflightCheck[] = [];
  const add = (check: string, ok: boolean, detail: string) => checks.push({ check, ok, detail });

  add(
    'rmm',
    f.rmm !== null,
    f.rmm
      ? `${f.rmm.name} knows ${f.deviceName} and can run the removal`
      : `no enabled RMM connector with the rollback capability knows ${f.deviceName}`,
  );
  const rule = unremovableBy(f.rules, f.patchId, f.patchTitle);
  add(
    'removable',
    !rule,
    rule
      ? `${f.patchId} cannot be removed: ${rule.reason} (rule "${rule.pattern}")`
      : `${f.patchId} is not on the list of patches that cannot be removed`,
  );
  const installed = f.patchStatus === 'installed';
  add(
    'installed',
    installed,
    installed
      ? `${f.patchId} is installed on ${f.deviceName}`
      : f.patchStatus === null
        ? `${f.patchId} was never reported installed on ${f.deviceName}`
        : `${f.patchId} is no longer installed on ${f.deviceName} (last reported ${f.patchStatus.replace('_', ' ')})`,
  );
  add(
    'no-other-rollback',
    f.active === null,
    f.active
      ? `rollback ${f.active.id} of ${f.active.patchId} is already ${f.active.state} on ${f.deviceName}`
      : `no other rollback is under way on ${f.deviceName}`,
  );
  add(
    'online',
    f.online !== false,
    f.online === false
      ? `${f.deviceName} is offline${f.whenOnline ? '; the rollback waits until the RMM reports it back' : ''}`
      : f.online === null
        ? `${f.deviceName}: no online state reported yet; the RMM queues the script`
        : `${f.deviceName} is online`,
  );
  add(
    'approval',
    true,
    f.requiresApproval
      ? 'the client requires a second operator to approve each rollback'
      : 'the client does not require approval',
  );

  const refusal = checks.find((c) => !c.ok && !(c.check === 'online' && f.whenOnline));
  if (refusal) return { checks, outcome: { go: 'refused', reason: refusal.detail } };
  if (f.requiresApproval) return { checks, outcome: { go: 'awaiting-approval' } };
  if (f.online === false) return { checks, outcome: { go: 'waiting-for-device' } };
  return { checks, outcome: { go: 'running' } };
}
