import type { PatchRemovalReport, RollbackResult } from '../contract/connector';
import { findPatchRemovalReport, resultFromRemovalReport } from '../shared/patch-removal-report';
import { VendorRecord } from './ninjaone.validate';

/**
 * Pure: a rollback script run's activities in, where the run stands out (api doc §4.6, §4.11).
 * NinjaOne returns no id for a run, so the run is recognised among the device's activities
 * logged after it was posted: an ACTION or SCRIPTING activity (which of the two ad-hoc API runs
 * are logged as is UNCONFIRMED) that names the library script, or that carries the removal
 * script's JSON report for this KB.
 */

/** The activity types a script run is logged under (doc §4.6: UNCONFIRMED which). */
const SCRIPT_RUN_TYPES = new Set(['ACTION', 'SCRIPTING']);

/** Lifecycle codes of a job that has not finished (doc §4.6, §4.7), with what to say. */
const NOT_FINISHED: Record<string, string> = {
  START_REQUESTED: 'queued on the device',
  STARTED: 'running',
  IN_PROCESS: 'running',
  CANCEL_REQUESTED: 'a cancel was requested in NinjaOne; waiting for the device',
  WAITING_FOR_USER_RESPONSE: 'waiting for a user response on the device',
};

/** activityResult values (doc §4.6). */
const RESULTS = new Set(['SUCCESS', 'FAILURE', 'UNSUPPORTED', 'UNCOMPLETED']);

/** Remove-Patch.ps1 exits 3010 when it removed the KB and a reboot finishes the job. */
const REMOVED_REBOOT_PENDING = 3010;

const UNREADABLE = 'its output is not readable through the NinjaOne API';

export interface RunActivity {
  id: number;
  statusCode?: string;
  activityResult?: string;
  seriesUid?: string;
  sourceName?: string;
  subject?: string;
  /** The removal report this activity carries (any KB), and the text it was found in. */
  report?: { value: PatchRemovalReport; text: string };
  /** A numeric data.exitCode or data.resultCode, when NinjaOne gives one (UNCONFIRMED). */
  exitCode?: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Every string inside `data`, nested objects and arrays included (depth-limited). */
function stringsIn(value: unknown, depth = 0): string[] {
  if (typeof value === 'string') return [value];
  if (depth >= 4) return [];
  if (Array.isArray(value)) return value.flatMap((v) => stringsIn(v, depth + 1));
  if (isObject(value)) return Object.values(value).flatMap((v) => stringsIn(v, depth + 1));
  return [];
}

function integerIn(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,10}$/.test(value.trim())) return Number(value);
  return undefined;
}

function reportIn(texts: string[]): RunActivity['report'] {
  let found: RunActivity['report'];
  for (const text of texts) {
    const value = findPatchRemovalReport(text);
    if (value) found = { value, text };
  }
  return found;
}

/**
 * The script-run activities of one page, oldest first; other activities are skipped unread,
 * so a field NinjaOne fills differently on an unrelated activity cannot break the lookup.
 */
export function readRunActivities(items: unknown[]): RunActivity[] {
  const runs: RunActivity[] = [];
  for (const item of items) {
    const record = VendorRecord.of('activity', item);
    const id = record.int('id');
    const activity = record.relabel(`activity ${id}`);
    if (!SCRIPT_RUN_TYPES.has(activity.optStr('activityType') ?? '')) continue;
    const message = activity.optStr('message');
    activity.optObject('data'); // an object or absent, else invalid, naming the field
    const data = (item as Record<string, unknown>).data;
    const dataObject = isObject(data) ? data : {};
    runs.push({
      id,
      statusCode: activity.optStr('statusCode'),
      activityResult: activity.optStr('activityResult'),
      seriesUid: activity.optStr('seriesUid'),
      sourceName: activity.optStr('sourceName'),
      subject: activity.optStr('subject'),
      report: reportIn([...(message ? [message] : []), ...stringsIn(dataObject)]),
      exitCode: integerIn(dataObject.exitCode) ?? integerIn(dataObject.resultCode),
    });
  }
  return runs.sort((a, b) => a.id - b.id);
}

/** NinjaOne's own reports show a script run's sourceName as "Run <script name>" (doc §4.6). */
function namesScript(activity: RunActivity, scriptName: string | undefined): boolean {
  if (!scriptName) return false;
  const name = scriptName.trim().toLowerCase();
  return [activity.sourceName, activity.subject].some((field) => {
    const text = field?.trim().toLowerCase();
    return text === name || text === `run ${name}`;
  });
}

/**
 * The activities of our run: the first run after the baseline that carries this KB's report,
 * else the first that names the script (ours was posted right after the baseline was read),
 * with the rest of its job series (a job's activities share a seriesUid, doc §4.7). A run
 * whose report names another KB is another rollback's, never ours.
 */
export function findRun(
  activities: RunActivity[],
  kb: string,
  scriptName: string | undefined,
): RunActivity[] {
  const candidates = activities.filter((a) =>
    a.report ? a.report.value.kb === kb : namesScript(a, scriptName),
  );
  const anchor = candidates.find((a) => a.report) ?? candidates[0];
  if (!anchor) return [];
  return candidates.filter((a) => a.seriesUid === anchor.seriesUid);
}

function exitText(exitCode: number | undefined): string {
  return exitCode === undefined ? '' : ` (exit ${exitCode})`;
}

/** No report: NinjaOne's verdict alone, which cannot confirm the removal. */
function fromActivity(finished: RunActivity): RollbackResult {
  const exitCode = finished.exitCode;
  const exit = exitText(exitCode);
  const withExit = <T extends object>(r: T) => (exitCode === undefined ? r : { ...r, exitCode });
  if (finished.statusCode === 'CANCELLED')
    return withExit({ state: 'failed', detail: 'the script run was cancelled in NinjaOne' });
  if (finished.activityResult === 'SUCCESS')
    return withExit({
      state: 'succeeded',
      detail: `script finished with SUCCESS${exit}; ${UNREADABLE}, so the removal is unconfirmed`,
    });
  if (exitCode === REMOVED_REBOOT_PENDING)
    return withExit({
      state: 'succeeded',
      detail: `script finished with exit 3010 (removed, reboot pending); ${UNREADABLE}, so the removal is unconfirmed`,
    });
  const verdict = finished.activityResult ?? finished.statusCode ?? 'no result';
  return withExit({ state: 'failed', detail: `script finished with ${verdict}${exit}` });
}

function isFinished(a: RunActivity): boolean {
  if (a.statusCode === 'COMPLETED' || a.statusCode === 'CANCELLED') return true;
  if (a.statusCode !== undefined && a.statusCode in NOT_FINISHED) return false;
  // Another code (BLOCKED, EVALUATION_FAILURE, …) counts as the end once it carries a result.
  return RESULTS.has(a.activityResult ?? '');
}

/** Where our run stands; undefined when none of its activities has been logged yet. */
export function judgeRun(run: RunActivity[]): RollbackResult | undefined {
  if (run.length === 0) return undefined;
  const newestFirst = [...run].sort((a, b) => b.id - a.id);
  const reported = newestFirst.find((a) => a.report);
  if (reported?.report)
    return resultFromRemovalReport(reported.report.value, reported.report.text, 'device');
  const finished = newestFirst.find(isFinished);
  if (finished) return fromActivity(finished);
  const latest = newestFirst[0];
  const code = latest.statusCode ?? '';
  const detail = NOT_FINISHED[code] ?? `NinjaOne reports the run as ${code || 'started'}`;
  return { state: 'running', detail };
}
