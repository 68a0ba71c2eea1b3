import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { ClientRef } from '../../connectors/contract/canonical';
import { Client } from './entities/client.entity';
import { ClientLink } from './entities/client-link.entity';

export const clientNameKey = (name: string) => name.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * Finds or creates the client a tool names: by the tool's own id when linked, else by name
 * (so "Acme Dental" in the RMM and in the PSA are one client).
 */
export async function resolveClient(
  m: EntityManager,
  instanceId: string,
  ref: ClientRef | undefined,
): Promise<Client | null> {
  if (!ref || (!ref.externalId && !ref.name?.trim())) return null;
  const clients = m.getRepository(Client);
  const links = m.getRepository(ClientLink);
  if (ref.externalId) {
    const link = await links.findOne({ where: { instanceId, externalId: ref.externalId } });
    if (link) return clients.findOneOrFail({ where: { id: link.clientId } });
    if (!ref.name?.trim()) return null;
  }
  const name = ref.name!.trim();
  const nameKey = clientNameKey(name);
  await clients
    .createQueryBuilder()
    .insert()
    .values({ id: randomUUID(), name, nameKey })
    .orIgnore()
    .execute();
  const client = await clients.findOneOrFail({ where: { nameKey } });
  if (ref.externalId) {
    await links
      .createQueryBuilder()
      .insert()
      .values({ id: randomUUID(), clientId: client.id, instanceId, externalId: ref.externalId })
      .orIgnore()
      .execute();
  }
  return client;
}
