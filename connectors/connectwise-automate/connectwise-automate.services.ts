import type { ServiceState } from '../contract/canonical';
import type { ExternalRef } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import type { AutomateApi } from './connectwise-automate.client';
import { toServiceState } from './connectwise-automate.mapper';
import { computerIdOf } from './connectwise-automate.refs';

/** A Windows computer has a few hundred services; more pages than this is a paging bug. */
const MAX_PAGES = 20;

/**
 * The computer's services as Automate last inventoried them (GET Computers/{id}/Services):
 * as fresh as the agent's last service inventory, not a live query (see the README).
 */
export async function getServices(
  api: AutomateApi,
  device: ExternalRef,
  pageSize: number,
): Promise<ServiceState[]> {
  const path = `/cwa/api/v1/Computers/${computerIdOf(device)}/Services`;
  const services: ServiceState[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const items = await api.list(path, { page, pageSize });
    services.push(...items.map(toServiceState));
    if (items.length < pageSize) return services;
  }
  throw new ConnectorError(
    `ConnectWise Automate GET ${path}: still full after ${MAX_PAGES} pages`,
    'invalid',
    false,
  );
}
