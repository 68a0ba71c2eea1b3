import type { ExternalRef, RollbackJob, RollbackResult } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import type { NinjaOneClient } from './ninjaone.client';
import { deviceIdOf, kbOf } from './ninjaone.refs';
import { findRun, judgeRun, readRunActivities } from './ninjaone.run-activities';
import type { NinjaOneSettings } from './ninjaone.settings';
import type { NinjaOneScriptRunRequest } from './ninjaone.types';
import { VendorRecord } from './ninjaone.validate';

/**
 * Rollback through the admin's library script (scripts/windows/Remove-Patch.ps1): NinjaOne has
 * no uninstall endpoint (api doc §6) and script/run returns no job id (§4.11), so the run is
 * followed in the device's activity log from the newest activity id read before posting it.
 */

/** What a jobId made by runRollback says. */
export interface RollbackJobRef {
  deviceId: string;
  scriptId: number;
  /** The KB digits, as passed to the script. */
  kb: string;
  /** The device's newest activity id before the run was posted: the run's ids are above it. */
  after: number;
  /** When the run was posted, epoch seconds. */
  at: number;
}

const JOB_ID =
  /^device\/(\d{1,18})\/script\/(\d{1,18})\/kb\/(\d{1,12})\/after\/(\d{1,18})\/at\/(\d{1,12})$/;

export function writeJobId(ref: RollbackJobRef): string {
  const { deviceId, scriptId, kb, after, at } = ref;
  return `device/${deviceId}/script/${scriptId}/kb/${kb}/after/${after}/at/${at}`;
}

/** Refuses (invalid) any jobId runRollback did not make. */
export function readJobId(jobId: string): RollbackJobRef {
  const match = JOB_ID.exec(jobId);
  const numbers = match?.slice(2).map(Number) ?? [];
  if (!match || !numbers.every(Number.isSafeInteger))
    throw ConnectorError.invalid('ninjaone: not a rollback job id this connector made');
  const [scriptId, , after, at] = numbers;
  return { deviceId: match[1], scriptId, kb: match[3], after, at };
}

/**
 * The activities endpoint returns at most 1000 entries per call (doc §3.2). One page after the
 * baseline is read: a device logs far fewer activities than that while a rollback is followed,
 * and olderThan cannot be combined with newerThan to page within the window (S8).
 */
const RUN_WINDOW = 1000;

/**
 * script/run queues work on the device and answers 204 with no job id, so a failure after
 * sending may still have started the script: never let the outbox resend it blindly. A 429
 * was refused before any work, so it stays retryable.
 */
function notBlindlyRetryable(err: unknown): unknown {
  if (!(err instanceof ConnectorError) || !err.retryable || err.reason === 'rate-limited')
    return err;
  return new ConnectorError(
    `${err.message} — the script may have started; check the device before retrying`,
    err.reason,
    false,
  );
}

export class NinjaOneRollback {
  /** Library script names by id, learnt once per connector. */
  private readonly scriptNames = new Map<number, string>();

  constructor(
    private readonly client: NinjaOneClient,
    private readonly settings: NinjaOneSettings,
    private readonly clock: () => Date,
  ) {}

  /** The script/run call a rollback makes, without making it (a dry run shows it). */
  plan(
    device: ExternalRef,
    patchId: string,
  ): { deviceId: string; digits: string; scriptId: number; body: NinjaOneScriptRunRequest } {
    const { rollbackScriptId, refreshToken } = this.settings;
    if (rollbackScriptId === undefined || !refreshToken) {
      throw ConnectorError.invalid(
        'ninjaone: rollback needs settings.rollbackScriptId and settings.refreshToken',
      );
    }
    const deviceId = deviceIdOf(device);
    const kb = kbOf(patchId);
    if (!kb) throw ConnectorError.invalid('ninjaone: only KB-numbered patches can be rolled back');
    const digits = kb.slice(2);
    const body: NinjaOneScriptRunRequest = {
      type: 'SCRIPT',
      id: rollbackScriptId,
      parameters: this.settings.rollbackParameters.split('{kb}').join(digits),
      runAs: this.settings.rollbackRunAs,
    };
    return { deviceId, digits, scriptId: rollbackScriptId, body };
  }

  /** Runs the library script with a user-context token; `{kb}` becomes the KB digits. */
  async run(device: ExternalRef, patchId: string): Promise<RollbackJob> {
    const { deviceId, digits, scriptId: rollbackScriptId, body } = this.plan(device, patchId);
    // Read before posting, and retryable if it fails: nothing has started yet.
    const after = await this.newestActivityId(deviceId);
    const at = Math.floor(this.clock().getTime() / 1000);
    try {
      await this.client.post(`/v2/device/${deviceId}/script/run`, body, 'user');
    } catch (err) {
      throw notBlindlyRetryable(err);
    }
    const jobId = writeJobId({ deviceId, scriptId: rollbackScriptId, kb: digits, after, at });
    return { jobId, status: 'queued' };
  }

  /** Read-only: the device's activities after the baseline, the library, maybe the device. */
  async result(device: ExternalRef, jobId: string): Promise<RollbackResult> {
    const job = readJobId(jobId);
    if (deviceIdOf(device) !== job.deviceId)
      throw ConnectorError.invalid(
        `ninjaone: rollback job ${jobId} ran on device ${job.deviceId}, not on ${device.id}`,
      );
    const page = await this.client.activitiesPage(`/v2/device/${job.deviceId}/activities`, {
      newerThan: job.after,
      pageSize: RUN_WINDOW,
    });
    const activities = readRunActivities(page.activities).filter((a) => a.id > job.after);
    const scriptName = await this.scriptName(job.scriptId);
    const judged = judgeRun(findRun(activities, `KB${job.kb}`, scriptName));
    return judged ?? this.notLoggedYet(job.deviceId);
  }

  /**
   * The baseline: the smallest of the newest device activity's id, lastNodeActivityId and
   * lastActivityId that the answer has (0 when none). Which of the two counters is device-wide
   * is not documented; each is at or below the first id the run's activities get, so the
   * smallest is safe whatever they mean.
   */
  private async newestActivityId(deviceId: string): Promise<number> {
    const path = `/v2/device/${deviceId}/activities`;
    const page = await this.client.activitiesPage(path, { pageSize: 1 });
    const newest =
      page.activities.length > 0
        ? VendorRecord.of(`GET ${path} activity`, page.activities[0]).int('id')
        : undefined;
    const ids = [newest, page.lastNodeActivityId, page.lastActivityId].filter(
      (id): id is number => id !== undefined && id >= 0,
    );
    return ids.length > 0 ? Math.min(...ids) : 0;
  }

  /**
   * The script's name in the library (GET /v2/automation/scripts, a bare array), which run
   * activities show as "Run <name>". Undefined when the library no longer has it: the run is
   * then recognised by its report alone.
   */
  private async scriptName(scriptId: number): Promise<string | undefined> {
    const known = this.scriptNames.get(scriptId);
    if (known !== undefined) return known;
    const scripts = await this.client.listPage('/v2/automation/scripts', {});
    for (const item of scripts) {
      const script = VendorRecord.of('automation script', item);
      if (script.optInt('id') !== scriptId) continue;
      const name = script.relabel(`automation script ${scriptId}`).str('name');
      this.scriptNames.set(scriptId, name);
      return name;
    }
    return undefined;
  }

  /** Nothing logged for the run yet: an offline device runs it when its agent checks in. */
  private async notLoggedYet(deviceId: string): Promise<RollbackResult> {
    const path = `/v2/device/${deviceId}`;
    const offline = VendorRecord.of(`GET ${path} response`, await this.client.object(path))
      .relabel(`device ${deviceId}`)
      .optBool('offline');
    return {
      state: 'running',
      detail: offline
        ? 'device is offline; NinjaOne runs the script when it checks in'
        : 'queued on the device; NinjaOne has logged no activity for the run yet',
    };
  }
}
