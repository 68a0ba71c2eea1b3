import type { ServiceState } from '../contract/canonical';
import type { ExternalRef } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import type { SwisClient } from './solarwinds.client';
import { SERVICE_COMPONENTS_OF_NODE } from './solarwinds.queries';
import type { SolarWindsSettings } from './solarwinds.settings';
import { STATUS_DOWN, STATUS_UP } from './solarwinds.status';
import { expectRows, isComponent } from './solarwinds.validate';

/**
 * The Windows services Orion (SAM) monitors on one node, for post-patch verification. Orion
 * knows a monitor's status, not the service's start type: startType stays unset. Disabled or
 * unmanaged monitors say nothing current about their service and are left out.
 */
export async function getServices(
  client: SwisClient,
  settings: SolarWindsSettings,
  device: ExternalRef,
): Promise<ServiceState[]> {
  if (!/^\d{1,15}$/.test(device.id))
    throw ConnectorError.invalid('solarwinds services: the device must be a numeric NodeID');
  const rows = await client.query(SERVICE_COMPONENTS_OF_NODE, {
    kind: settings.serviceMonitorPattern,
    nodeId: Number(device.id),
  });
  return expectRows('Orion.APM.Component', rows, isComponent)
    .filter((c) => !c.Disabled && !c.UnManaged)
    .map((c) => ({
      name: c.Name,
      state: c.Status === STATUS_UP ? 'running' : c.Status === STATUS_DOWN ? 'stopped' : 'unknown',
    }));
}
