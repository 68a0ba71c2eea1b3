import type { CapabilityReport } from '../contract/connector';
import { probe } from '../shared/probe';
import type { NinjaOneClient } from './ninjaone.client';
import type { NinjaOneSettings } from './ninjaone.settings';

/** A probe of one read: that it answers is all that counts. */
const reads =
  (call: () => Promise<unknown>): (() => Promise<void>) =>
  async () => {
    await call();
  };

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
    devices: await probe(reads(() => client.listPage('/v2/organizations', one))),
    patches: await probe(reads(() => client.queryPage('/v2/queries/os-patches', one))),
    health: await probe(
      reads(() => client.activitiesPage('/v2/activities', { class: 'DEVICE', ...one })),
    ),
    services: await probe(reads(() => client.queryPage('/v2/queries/windows-services', one))),
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
