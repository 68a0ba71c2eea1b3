import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { ClientRef } from '../../connectors/contract/canonical';
import { transactionMemo } from '../common/transaction-memo';
import { clientMatchKey, clientNameKey } from './client-names';
import { Client } from './entities/client.entity';
import { ClientLink, type ClientMatchedBy } from './entities/client-link.entity';

export { clientNameKey };

/**
 * Finds or creates the client a tool names, and keeps the tool's record of it as a link:
 * by the tool's own id when linked before (a person's correction included); else by the
 * exact name; else by the name with case, punctuation and legal suffixes ignored — a
 * suggestion, listed for a person to confirm; else a new client (shown as unmatched until
 * another tool knows it too). Never dropped.
 */
export async function resolveClient(
  m: EntityManager,
  instanceId: string,
  ref: ClientRef | undefined,
): Promise<Client | null> {
  const name = ref?.name?.trim() ?? '';
  if (!ref || (!ref.externalId && !name)) return null;
  const matchKey = name ? clientMatchKey(name) : '';
  const externalId = ref.externalId ?? `name:${matchKey || clientNameKey(name)}`;
  // A batch names the same few clients again and again: asked once per transaction.
  const known = transactionMemo<Client>(m, 'client');
  const memoKey = `${instanceId} ${externalId}`;
  const remembered = known?.get(memoKey);
  if (remembered) return remembered;
  const client = await findOrLinkClient(m, instanceId, externalId, name, matchKey);
  if (client) known?.set(memoKey, client);
  return client;
}

async function findOrLinkClient(
  m: EntityManager,
  instanceId: string,
  externalId: string,
  name: string,
  matchKey: string,
): Promise<Client | null> {
  const clients = m.getRepository(Client);
  const links = m.getRepository(ClientLink);
  // The tool's record, linked before: its client in one round trip.
  const linked = await clients
    .createQueryBuilder('c')
    .innerJoin(ClientLink, 'l', 'l.client_id = c.id')
    .where('l.instance_id = :instanceId AND l.external_id = :externalId', {
      instanceId,
      externalId,
    })
    .getOne();
  if (linked) return linked;
  if (!name) return null;

  const nameKey = clientNameKey(name);
  let client = await clients.findOne({ where: { nameKey } });
  let matchedBy: ClientMatchedBy = 'name';
  if (!client && matchKey) {
    const similar = await clients.find({ where: { matchKey }, take: 2 });
    if (similar.length === 1) {
      client = similar[0];
      matchedBy = 'similar-name';
    }
  }
  if (!client) {
    await clients
      .createQueryBuilder()
      .insert()
      .values({ id: randomUUID(), name, nameKey, matchKey: matchKey || null })
      .orIgnore()
      .execute();
    client = await clients.findOneOrFail({ where: { nameKey } });
    matchedBy = 'new';
  }
  await links
    .createQueryBuilder()
    .insert()
    .values({ id: randomUUID(), clientId: client.id, instanceId, externalId, name, matchedBy })
    .orIgnore()
    .execute();
  return client;
}
