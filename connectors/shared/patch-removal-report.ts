import type { PatchRemovalReport } from '../contract/connector';

const OUTCOMES: readonly PatchRemovalReport['outcome'][] = [
  'removed',
  'not-installed',
  'refused',
  'failed',
];

/** Every line of the script's JSON report starts with this, so other output never matches. */
const MARK = '{"switchboard":"remove-patch"';

function isReport(v: Record<string, unknown>): boolean {
  return (
    typeof v.kb === 'string' &&
    /^KB\d{4,8}$/.test(v.kb) &&
    OUTCOMES.includes(v.outcome as PatchRemovalReport['outcome']) &&
    Number.isInteger(v.exitCode)
  );
}

function optional<T>(v: unknown, type: 'string' | 'boolean'): T | undefined {
  return typeof v === type ? (v as T) : undefined;
}

/**
 * Finds the report Remove-Patch.ps1 printed in whatever output an RMM hands back (stdout, an
 * activity message, a field): the last well-formed line wins, since a retried run prints again.
 * Returns undefined when there is none, never throws on foreign output.
 */
export function findPatchRemovalReport(output: string): PatchRemovalReport | undefined {
  let found: PatchRemovalReport | undefined;
  for (const line of output.split(/\r?\n/)) {
    const at = line.indexOf(MARK);
    if (at < 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(line.slice(at).trim());
    } catch {
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    const v = value as Record<string, unknown>;
    if (!isReport(v)) continue;
    found = {
      kb: v.kb as string,
      outcome: v.outcome as PatchRemovalReport['outcome'],
      exitCode: v.exitCode as number,
      packageName: optional(v.packageName, 'string'),
      rebootRequired: optional(v.rebootRequired, 'boolean'),
      rebooting: optional(v.rebooting, 'boolean'),
      message: optional(v.message, 'string'),
    };
  }
  return found;
}
