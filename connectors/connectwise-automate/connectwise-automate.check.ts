import type { CapabilityReport } from '../contract/connector';
import { probe } from '../shared/probe';
import type { AutomateApi } from './connectwise-automate.client';
import type { ConnectWiseAutomateSettings } from './connectwise-automate.settings';

const ONE = { page: 1, pageSize: 1 };

/**
 * One smallest read per declared capability. Automate's permissions are per user class and per
 * area, so each capability is probed on the endpoint it uses; a 403 reads as "denied".
 */
export async function checkAutomate(
  api: AutomateApi,
  settings: ConnectWiseAutomateSettings,
): Promise<CapabilityReport> {
  let computerId: number | undefined;
  const report: CapabilityReport = {
    devices: await probe(async () => {
      await api.list('/cwa/api/v1/Clients', ONE);
      const [first] = await api.list('/cwa/api/v1/Computers', { ...ONE, includedFields: 'Id' });
      const id = (first as Record<string, unknown> | undefined)?.Id;
      computerId = id === undefined ? undefined : Number(id);
    }),
    patches: await probe(async () => {
      await api.list('/cwa/api/v1/PatchHistory', ONE);
    }),
  };
  report.services = await probe(async () => {
    if (computerId === undefined || !Number.isSafeInteger(computerId))
      return 'no computer to read services from';
    await api.list(`/cwa/api/v1/Computers/${computerId}/Services`, ONE);
  });
  report.rollback = await probe(async () => {
    if (settings.rollbackScriptId === undefined) return 'set settings.rollbackScriptId';
    const found = await api.list('/cwa/api/v1/Scripts', {
      condition: `Id = ${settings.rollbackScriptId}`,
      pageSize: 1,
    });
    if (found.length === 0)
      return `script ${settings.rollbackScriptId} is not in the Automate script list`;
  });
  return report;
}
