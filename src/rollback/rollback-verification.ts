import type { RollbackResult } from '../../connectors/contract/connector';
import type { LiveConnector } from '../connector-instances/connector-host.service';
import type { RollbackVerification } from './entities/rollback.entity';

/** Whether the patch is gone, from the script's own report; null when it cannot be told. */
export function checkRemoval(
  patchId: string,
  result: RollbackResult | null,
): Pick<RollbackVerification, 'patchRemoved' | 'patchEvidence'> {
  const report = result?.report;
  if (!report)
    return {
      patchRemoved: null,
      patchEvidence: `the RMM reported the run as finished but showed no removal report; ${patchId} is not confirmed gone`,
    };
  if (report.kb.toUpperCase() !== patchId.toUpperCase())
    return {
      patchRemoved: false,
      patchEvidence: `the removal report is about ${report.kb}, not ${patchId}`,
    };
  if (report.outcome === 'removed')
    return {
      patchRemoved: true,
      patchEvidence: `Remove-Patch removed ${report.packageName ?? patchId} (exit ${report.exitCode}${report.rebootRequired ? ', reboot required' : ''})`,
    };
  if (report.outcome === 'not-installed')
    return {
      patchRemoved: true,
      patchEvidence: `Remove-Patch found no package carrying ${patchId}: it is not installed`,
    };
  return {
    patchRemoved: false,
    patchEvidence: report.message ?? `Remove-Patch ${report.outcome} (exit ${report.exitCode})`,
  };
}

/** The failed services' states as the RMM reports them now; null when it cannot tell. */
export async function checkServices(
  live: LiveConnector,
  route: { externalId: string },
  failed: string[],
): Promise<{ states: { name: string; state: string }[]; allRunning: boolean } | null> {
  if (!live.definition.capabilities.includes('services') || !live.connector.getServices)
    return null;
  const services = await live.connector.getServices({ id: route.externalId });
  const byName = new Map(services.map((s) => [s.name.toLowerCase(), s]));
  const states = failed.map((name) => ({
    name,
    state: byName.get(name.toLowerCase())?.state ?? 'not reported',
  }));
  return { states, allRunning: states.every((s) => s.state === 'running') };
}
