import type { PatchRemovalReport, RollbackResult } from '../contract/connector';

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

/** Script output kept with a rollback's result: its last characters, where the verdict is. */
export const MAX_REMOVAL_OUTPUT = 2000;

export function tailOutput(text: string): string {
  return text.length <= MAX_REMOVAL_OUTPUT ? text : `…${text.slice(-(MAX_REMOVAL_OUTPUT - 1))}`;
}

/**
 * The script's own report is the best evidence of a removal and wins over the RMM's run state,
 * which reads exit 3010 (removed, reboot pending) as a failure. `machine` is how the RMM calls
 * the endpoint (device, computer), for the reboot clause.
 */
export function resultFromRemovalReport(
  report: PatchRemovalReport,
  text: string,
  machine: string,
): RollbackResult {
  const base = { exitCode: report.exitCode, output: tailOutput(text), report };
  const exit = ` (exit ${report.exitCode})`;
  const because = report.message ? `: ${report.message}` : '';
  const reboot = report.rebooting
    ? `; the ${machine} is rebooting to finish the removal`
    : report.rebootRequired
      ? '; a reboot is needed to finish the removal'
      : '';
  switch (report.outcome) {
    case 'removed':
      return {
        ...base,
        state: 'succeeded',
        detail: `Remove-Patch removed ${report.kb}${exit}${reboot}`,
      };
    case 'not-installed':
      return {
        ...base,
        state: 'succeeded',
        detail: `${report.kb} was already gone: Remove-Patch found no installed package carrying it${exit}`,
      };
    case 'refused':
      return {
        ...base,
        state: 'failed',
        detail: `Remove-Patch refused to remove ${report.kb}${exit}${because}`,
      };
    case 'failed':
      return {
        ...base,
        state: 'failed',
        detail: `Remove-Patch failed to remove ${report.kb}${exit}${because}`,
      };
  }
}
