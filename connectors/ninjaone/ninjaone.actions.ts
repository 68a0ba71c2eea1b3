import type { ServiceState } from '../contract/canonical';
import type { ExternalRef, RollbackJob } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import type { NinjaOneClient } from './ninjaone.client';
import { toServiceState } from './ninjaone.mapper';
import { kbOf } from './ninjaone.refs';
import type { NinjaOneSettings } from './ninjaone.settings';
import type { NinjaOneScriptRunRequest } from './ninjaone.types';

function deviceIdOf(device: ExternalRef): string {
  if (!/^\d{1,18}$/.test(device.id))
    throw ConnectorError.invalid('ninjaone: a device id must be the numeric NinjaOne device id');
  return device.id;
}

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

export class NinjaOneActions {
  constructor(
    private readonly client: NinjaOneClient,
    private readonly settings: NinjaOneSettings,
    private readonly clock: () => Date,
  ) {}

  async getServices(device: ExternalRef): Promise<ServiceState[]> {
    const path = `/v2/device/${deviceIdOf(device)}/windows-services`;
    const services = await this.client.listPage(path, {});
    return services.map(toServiceState);
  }

  /**
   * NinjaOne has no uninstall endpoint: rollback runs the admin's own library script (e.g.
   * wusa /uninstall /kb:{kb}) through script/run, which needs a user-context token.
   */
  async runRollback(device: ExternalRef, patchId: string): Promise<RollbackJob> {
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
    const startedAt = Math.floor(this.clock().getTime() / 1000);
    try {
      await this.client.post(`/v2/device/${deviceId}/script/run`, body, 'user');
    } catch (err) {
      throw notBlindlyRetryable(err);
    }
    // No job id comes back; this id says where to look (device activities after startedAt).
    return {
      jobId: `device/${deviceId}/script/${rollbackScriptId}/kb/${digits}/at/${startedAt}`,
      status: 'queued',
    };
  }
}
