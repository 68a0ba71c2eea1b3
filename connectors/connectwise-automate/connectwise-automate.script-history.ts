import type { PatchRemovalReport, RollbackResult } from '../contract/connector';
import {
  findPatchRemovalReport,
  resultFromRemovalReport,
  tailOutput,
} from '../shared/patch-removal-report';
import { AutomateRecord } from './connectwise-automate.validate';

/**
 * Pure: a computer's ScriptHistory rows in, where our rollback run stands out. Automate hands
 * back no run id (the ScheduledScripts answer is a schedule, not a run), so the run is the
 * first history row of the rollback script above the baseline read before scheduling it.
 * ComputerScriptHistory: Status Running | Completed, State Failure | Information | Success,
 * DiagnosticMessage (spec; the only text a run exposes through the API).
 */

const UNREADABLE =
  'its report is not in the history row (log %shellresult% in the Automate script, see the README)';

export interface HistoryRow {
  id: number;
  scriptId: number;
  status?: string;
  state?: string;
  message?: string;
  report?: PatchRemovalReport;
}

/** The rows of one script, oldest first; rows of other scripts are skipped unread. */
export function readHistoryRows(items: unknown[], scriptId: number): HistoryRow[] {
  const rows: HistoryRow[] = [];
  for (const item of items) {
    const first = AutomateRecord.of('script history', item);
    if (first.optId('ScriptId') !== scriptId) continue;
    const id = first.id('Id');
    const row = first.relabel(`script history ${id}`);
    const message = row.optStr('DiagnosticMessage');
    rows.push({
      id,
      scriptId,
      status: row.optStr('Status'),
      state: row.optStr('State'),
      message,
      report: message ? findPatchRemovalReport(message) : undefined,
    });
  }
  return rows.sort((a, b) => a.id - b.id);
}

/**
 * Our run among the rows above the baseline: the first whose report names this KB, else the
 * first without a report (ours was scheduled right after the baseline). A row reporting on
 * another KB is another rollback's run, never ours.
 */
export function findRun(rows: HistoryRow[], after: number, kb: string): HistoryRow | undefined {
  const candidates = rows.filter((r) => r.id > after && (!r.report || r.report.kb === kb));
  return candidates.find((r) => r.report) ?? candidates[0];
}

/** Where the run stands; undefined when Automate has no history row for it yet. */
export function judgeRun(run: HistoryRow | undefined): RollbackResult | undefined {
  if (!run) return undefined;
  if (run.report) return resultFromRemovalReport(run.report, run.message ?? '', 'computer');
  if (run.status !== 'Completed') return { state: 'running', detail: 'running on the computer' };
  const output = run.message ? { output: tailOutput(run.message) } : {};
  // Information is what a script that ends without an error step may report (UNCONFIRMED).
  if (run.state === 'Success' || run.state === 'Information')
    return {
      ...output,
      state: 'succeeded',
      detail: `script finished with ${run.state}; ${UNREADABLE}, so the removal is unconfirmed`,
    };
  return {
    ...output,
    state: 'failed',
    detail: `script finished with ${run.state ?? 'no state'}${run.message ? `: ${tailOutput(run.message).slice(0, 200)}` : ''}`,
  };
}
