import type { ServiceState } from '../contract/canonical';
import type { ExternalRef } from '../contract/connector';
import type { NinjaOneClient } from './ninjaone.client';
import { toServiceState } from './ninjaone.mapper';
import { deviceIdOf } from './ninjaone.refs';

/** Reads about one device on demand (rollback lives in ninjaone.rollback.ts). */
export class NinjaOneActions {
  constructor(private readonly client: NinjaOneClient) {}

  async getServices(device: ExternalRef): Promise<ServiceState[]> {
    const path = `/v2/device/${deviceIdOf(device)}/windows-services`;
    const services = await this.client.listPage(path, {});
    return services.map(toServiceState);
  }
}
