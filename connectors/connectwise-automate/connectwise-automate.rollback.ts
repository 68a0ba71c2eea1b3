import type { ExternalRef, RollbackJob, RollbackResult } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import type { AutomateApi } from './connectwise-automate.client';
import { computerIdOf, kbOf } from './connectwise-automate.refs';
import { findRun, judgeRun, readHistoryRows } from './connectwise-automate.script-history';
import type { ConnectWiseAutomateSettings } from './connectwise-automate.settings';
import type { AutomateScheduledScript } from './connectwise-automate.types';
import { AutomateRecord } from './connectwise-automate.validate';

/**
 * Rollback through the admin's Automate script (Remove-Patch.ps1 inside it): Automate has no
 * endpoint that uninstalls a KB (api doc §5). The script is scheduled to run once, now, on the
 * computer (POST ScheduledScripts), and followed through the computer's ScriptHistory.
 */

export interface RollbackJobRef {
  computerId: number;
  scriptId: number;
  /** The KB digits, as passed to the script. */
  kb: string;
  /** The highest ScriptHistory id on the computer before scheduling: our run's row is above. */
  after: number;
  /** The schedule Automate saved (its Id), 0 when the answer had none. */
  schedule: number;
  /** When it was scheduled, epoch seconds. */
  at: number;
}

const JOB_ID =
  /^computer\/(\d{1,15})\/script\/(\d{1,15})\/kb\/(\d{4,8})\/after\/(\d{1,15})\/schedule\/(\d{1,15})\/at\/(\d{1,12})$/;

export function writeJobId(ref: RollbackJobRef): string {
  const { computerId, scriptId, kb, after, schedule, at } = ref;
  return `computer/${computerId}/script/${scriptId}/kb/${kb}/after/${after}/schedule/${schedule}/at/${at}`;
}

/** Refuses (invalid) any jobId runRollback did not make. */
export function readJobId(jobId: string): RollbackJobRef {
  const match = JOB_ID.exec(jobId);
  if (!match)
    throw ConnectorError.invalid('connectwise-automate: not a rollback job id this connector made');
  const [computerId, scriptId, , after, schedule, at] = match.slice(1).map(Number);
  return { computerId, scriptId, kb: match[3], after, schedule, at };
}

/**
 * The newest history rows are enough: a computer runs few scripts while a rollback is followed.
 * The spec gives ScriptHistory no default order, so it is asked for (as A3 does).
 */
const HISTORY_WINDOW = { orderBy: 'HistoryDate desc', pageSize: 100 };

/** Automate's date form in ScheduledScripts bodies: to the minute, UTC (api doc §4.4, A5). */
function scheduleDate(at: Date): string {
  return `${at.toISOString().slice(0, 16)}:00Z`;
}

/**
 * A failure after posting may still have saved the schedule: never let the outbox resend it
 * blindly. A 429 was refused before any work, so it stays retryable.
 */
function notBlindlyRetryable(err: unknown): unknown {
  if (!(err instanceof ConnectorError) || !err.retryable || err.reason === 'rate-limited')
    return err;
  return new ConnectorError(
    `${err.message} — the script may have been scheduled; check the computer's scripts before retrying`,
    err.reason,
    false,
  );
}

export class AutomateRollback {
  constructor(
    private readonly api: AutomateApi,
    private readonly settings: ConnectWiseAutomateSettings,
    private readonly clock: () => Date,
  ) {}

  /** The ScheduledScripts call a rollback makes, without making it (a dry run shows it). */
  plan(
    device: ExternalRef,
    patchId: string,
  ): { computerId: number; kb: string; body: AutomateScheduledScript } {
    const scriptId = this.settings.rollbackScriptId;
    if (scriptId === undefined)
      throw ConnectorError.invalid(
        'connectwise-automate: rollback needs settings.rollbackScriptId',
      );
    const computerId = computerIdOf(device);
    const kb = kbOf(patchId)?.slice(2);
    if (!kb)
      throw ConnectorError.invalid(
        'connectwise-automate: only KB-numbered patches can be rolled back',
      );
    const now = scheduleDate(this.clock());
    // A one-off run now, as working clients send it (api doc §4.4, A5; UNCONFIRMED which of
    // these fields are required). Offline computers run it when they check in (SkipOffline off).
    const body: AutomateScheduledScript = {
      Id: 0,
      ScriptId: scriptId,
      ClientId: 0,
      LocationId: 0,
      ComputerId: computerId,
      GroupId: 0,
      IncludeSubgroups: false,
      SearchId: 0,
      Disabled: false,
      EffectiveStartDate: now,
      EffectiveOccurrences: 0,
      DistributionWindowType: 2,
      DistributionWindowAmount: 0,
      NextRun: now,
      NextSchedule: now,
      ScheduleType: 1,
      Interval: 0,
      ScheduleWeekOfMonth: 0,
      ScheduleDayOfWeek: 0,
      RepeatType: 0,
      RepeatAmount: 0,
      RepeatStopAfter: 0,
      SkipOffline: false,
      OfflineOnly: false,
      WakeOffline: false,
      WakeScript: false,
      // The dates above are UTC; DisableTimeZone keeps Automate from shifting them.
      DisableTimeZone: true,
      RunScriptOnProbe: false,
      Parameters: this.settings.rollbackParameters.split('{kb}').join(kb),
      Priority: 6,
      TimeZoneAdd: 0,
      User: '',
      LastUpdate: now,
    };
    return { computerId, kb, body };
  }

  async run(device: ExternalRef, patchId: string): Promise<RollbackJob> {
    const { computerId, kb, body } = this.plan(device, patchId);
    // Read before scheduling, and retryable if it fails: nothing has started yet.
    const after = await this.newestHistoryId(computerId);
    const at = Math.floor(this.clock().getTime() / 1000);
    let saved: Record<string, unknown>;
    try {
      saved = await this.api.post(`/cwa/api/v1/Computers/${computerId}/ScheduledScripts`, body);
    } catch (err) {
      throw notBlindlyRetryable(err);
    }
    const schedule = AutomateRecord.of('scheduled script', saved).optId('Id') ?? 0;
    const jobId = writeJobId({ computerId, scriptId: body.ScriptId, kb, after, schedule, at });
    return { jobId, status: 'queued' };
  }

  /** Read-only: the computer's history, then (while nothing is logged) its running scripts. */
  async result(device: ExternalRef, jobId: string): Promise<RollbackResult> {
    const job = readJobId(jobId);
    if (computerIdOf(device) !== job.computerId)
      throw ConnectorError.invalid(
        `connectwise-automate: rollback job ${jobId} ran on computer ${job.computerId}, not on ${device.id}`,
      );
    const items = await this.api.list(
      `/cwa/api/v1/Computers/${job.computerId}/ScriptHistory`,
      HISTORY_WINDOW,
    );
    const run = findRun(readHistoryRows(items, job.scriptId), job.after, `KB${job.kb}`);
    return judgeRun(run) ?? this.notLoggedYet(job);
  }

  private async newestHistoryId(computerId: number): Promise<number> {
    const items = await this.api.list(
      `/cwa/api/v1/Computers/${computerId}/ScriptHistory`,
      HISTORY_WINDOW,
    );
    return items.reduce<number>(
      (max, item) => Math.max(max, AutomateRecord.of('script history', item).id('Id')),
      0,
    );
  }

  /** No history row yet: running now, or waiting for an offline agent to check in. */
  private async notLoggedYet(job: RollbackJobRef): Promise<RollbackResult> {
    const running = await this.api.list(
      `/cwa/api/v1/Computers/${job.computerId}/RunningScripts`,
      {},
    );
    const ours = running.some(
      (item) => AutomateRecord.of('running script', item).optId('ScriptId') === job.scriptId,
    );
    if (ours) return { state: 'running', detail: 'running on the computer' };
    // GET /Computers/{id} is not in the published spec (api doc §4.2): the list with a condition is.
    const [computer] = await this.api.list('/cwa/api/v1/Computers', {
      condition: `Id = ${job.computerId}`,
      pageSize: 1,
    });
    const status = computer ? AutomateRecord.of('computer', computer).optStr('Status') : undefined;
    return {
      state: 'running',
      detail:
        status === 'Offline'
          ? 'computer is offline; Automate runs the script when its agent checks in'
          : 'scheduled on the computer; Automate has not started it yet',
    };
  }
}
