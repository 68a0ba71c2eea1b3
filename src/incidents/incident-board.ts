import { In, type DataSource } from 'typeorm';
import type { Principal } from '../access/principal';
import { ConnectorInstance } from '../connector-instances/entities/connector-instance.entity';
import { TicketLink } from './entities/ticket-link.entity';

/** Which incidents the board shows: `open` means not resolved yet (open or mitigating). */
export interface BoardFilter {
  state: 'open' | 'resolved' | 'all';
  clientId?: string;
  /** Part of the device's name or of the title, any case. */
  q?: string;
  limit: number;
}

export interface BoardTicket {
  externalId: string | null;
  relation: TicketLink['relation'];
  status: string;
  tool: string;
}

export interface BoardRow {
  id: string;
  title: string;
  state: string;
  cause: string;
  openedAt: Date;
  resolvedAt: Date | null;
  suppressed: boolean;
  client: { id: string; name: string } | null;
  device: { id: string; name: string } | null;
  /** The patch a rollback would take: the confirmed suspect, else the top-ranked, else the wave's. */
  patchId: string | null;
  tickets: BoardTicket[];
}

interface RawRow {
  id: string;
  title: string;
  state: string;
  cause: string;
  openedAt: Date | string;
  resolvedAt: Date | string | null;
  suppressed: boolean;
  clientId: string | null;
  clientName: string | null;
  deviceId: string | null;
  deviceName: string | null;
  patchId: string | null;
}

/** LIKE treats % and _ as wildcards: a search for "SQL_01" means those characters. */
const likeText = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The console's incident list in one read: what the API's list answers plus the names, the
 * suspected patch and the tickets a technician scans for, open incidents first (newest first),
 * then resolved ones by when they ended. A client-scoped token sees its own client only.
 */
export async function incidentBoard(
  ds: DataSource,
  who: Principal,
  f: BoardFilter,
): Promise<{ items: BoardRow[]; total: number }> {
  if (who.clientId && f.clientId && f.clientId !== who.clientId) return { items: [], total: 0 };
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const clientId = who.clientId ?? f.clientId;
  if (clientId) where.push(`i.client_id = ${param(clientId)}`);
  if (f.state === 'open') where.push(`i.state <> 'resolved'`);
  if (f.state === 'resolved') where.push(`i.state = 'resolved'`);
  if (f.q) {
    const q = param(likeText(f.q));
    where.push(`(i.title ILIKE ${q} OR d.display_name ILIKE ${q})`);
  }
  const from = `FROM incident i
      LEFT JOIN client c ON c.id = i.client_id
      LEFT JOIN device d ON d.id = i.device_id
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  const [{ n }]: { n: string }[] = await ds.query(`SELECT count(*) AS n ${from}`, params);
  const rows: RawRow[] = await ds.query(
    `SELECT i.id, i.title, i.state, i.cause, i.opened_at AS "openedAt",
            i.resolved_at AS "resolvedAt", i.suppressed,
            i.client_id AS "clientId", c.name AS "clientName",
            i.device_id AS "deviceId", d.display_name AS "deviceName",
            COALESCE(
              (SELECT s.patch_id FROM incident_suspect s
                WHERE s.incident_id = i.id AND s.kind = 'patch' AND s.patch_id IS NOT NULL
                  AND s.status <> 'rejected'
                ORDER BY (s.status = 'confirmed') DESC, s.rank ASC LIMIT 1),
              i.details->'wave'->>'patchId') AS "patchId"
     ${from}
     ORDER BY (i.state = 'resolved') ASC,
              CASE WHEN i.state = 'resolved' THEN i.resolved_at END DESC,
              i.opened_at DESC, i.id
     LIMIT ${param(f.limit)}`,
    params,
  );
  const tickets = await ticketsOf(
    ds,
    rows.map((r) => r.id),
  );
  return {
    total: Number(n),
    items: rows.map((r) => ({
      id: r.id,
      title: r.title,
      state: r.state,
      cause: r.cause,
      openedAt: new Date(r.openedAt),
      resolvedAt: r.resolvedAt ? new Date(r.resolvedAt) : null,
      suppressed: r.suppressed,
      client: r.clientId ? { id: r.clientId, name: r.clientName ?? r.clientId } : null,
      device: r.deviceId ? { id: r.deviceId, name: r.deviceName ?? r.deviceId } : null,
      patchId: r.patchId,
      tickets: tickets.get(r.id) ?? [],
    })),
  };
}

/** The tickets of these incidents, ours first, each with the helpdesk that holds it. */
async function ticketsOf(ds: DataSource, ids: string[]): Promise<Map<string, BoardTicket[]>> {
  const byIncident = new Map<string, BoardTicket[]>();
  if (ids.length === 0) return byIncident;
  const links = await ds
    .getRepository(TicketLink)
    .find({ where: { incidentId: In(ids) }, order: { createdAt: 'ASC' } });
  const tools = await toolNames(
    ds,
    links.map((l) => l.instanceId),
  );
  const ours = (l: TicketLink) => (l.relation === 'incident-ticket' ? 0 : 1);
  // A stable sort: the ticket we opened first, then the users' tickets in the order they came.
  for (const l of [...links].sort((a, b) => ours(a) - ours(b))) {
    const list = byIncident.get(l.incidentId) ?? [];
    list.push({
      externalId: l.externalId,
      relation: l.relation,
      status: l.status,
      tool: tools.get(l.instanceId) ?? 'a removed helpdesk',
    });
    byIncident.set(l.incidentId, list);
  }
  return byIncident;
}

/** Instance names only: the rows also hold settings and encrypted secrets, never read here. */
export async function toolNames(ds: DataSource, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await ds
    .getRepository(ConnectorInstance)
    .find({ select: { id: true, name: true }, where: { id: In(unique) } });
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The clients that have incidents, for the client filter of an unscoped token. */
export async function clientsWithIncidents(
  ds: DataSource,
): Promise<{ id: string; name: string }[]> {
  return ds.query(
    `SELECT c.id, c.name FROM client c
      WHERE EXISTS (SELECT 1 FROM incident i WHERE i.client_id = c.id)
      ORDER BY c.name`,
  );
}
