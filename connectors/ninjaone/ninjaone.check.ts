import type { CapabilityReport, CapabilityStatus } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import type { NinjaOneClient } from './ninjaone.client';
import type { NinjaOneSettings } from './ninjaone.settings';

type Entry = { status: CapabilityStatus; detail?: string };

async function probe(call: () => Promise<unknown>): Promise<Entry> {
  try {
    await call();
    return { status: 'ok' };
  } catch (err) {
    if (!(err instanceof ConnectorError)) throw err;
    return { status: err.reason === 'denied' ? 'denied' : 'error', detail: err.message };
  }
}

/**
 * One smallest read per declared read capability. Rollback is judged by its settings only:
 * probing it would spend the refresh token, which NinjaOne may rotate on every use.
 */
export async function checkNinjaOne(
  client: NinjaOneClient,
  settings: NinjaOneSettings,
  webhookSecret: string | undefined,
): Promise<CapabilityReport> {
  const one = { pageSize: 1 };
  const report: CapabilityReport = {
    devices: await probe(() => client.listPage('/v2/organizations', one)),
    patches: await probe(() => client.queryPage('/v2/queries/os-patches', one)),
    health: await probe(() => client.activitiesPage('/v2/activities', { class: 'DEVICE', ...one })),
    services: await probe(() => client.queryPage('/v2/queries/windows-services', one)),
  };
  report.webhooks = webhookSecret
    ? { status: 'ok' }
    : { status: 'error', detail: 'the instance has no webhook secret' };
  report.rollback =
    settings.rollbackScriptId !== undefined && settings.refreshToken
      ? { status: 'ok', detail: 'configured; not probed (would spend the refresh token)' }
      : { status: 'error', detail: 'set settings.rollbackScriptId and settings.refreshToken' };
  return report;
}
