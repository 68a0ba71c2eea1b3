import type { DataSource } from 'typeorm';
import type { OutboxStatus } from './entities/outbox-message.entity';

/** A message the outbox gave up on, with what a person needs to decide on it. */
export interface DeadLetter {
  id: string;
  action: string;
  payload: object;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: Date;
  /** When it was dead-lettered: the last change of a dead message. */
  deadSince: Date;
  instance: { id: string; name: string | null; kind: string | null };
  incident: { id: string; title: string | null; state: string | null } | null;
  /** Later messages of its incident to the same tool, held until it is retried or discarded. */
  holding: number;
}

interface DeadLetterRow {
  id: string;
  action: string;
  payload: object | string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  instanceId: string;
  instanceName: string | null;
  instanceKind: string | null;
  incidentId: string | null;
  incidentTitle: string | null;
  incidentState: string | null;
  holding: number;
}

/**
 * Read-only views of the outbox for the console: the dead letters, newest first, with their
 * tool and incident named, and how many messages are in each state. Installation-wide: only
 * for unscoped principals, as the outbox API is.
 */
export class DeadLetters {
  constructor(private readonly ds: DataSource) {}

  async list(limit: number, offset: number): Promise<{ items: DeadLetter[]; total: number }> {
    const [rows, [{ total }]] = await Promise.all([
      this.ds.query(
        `SELECT o.id::text AS id, o.action, o.payload, o.attempts, o.max_attempts AS "maxAttempts",
                o.last_error AS "lastError", o.created_at AS "createdAt", o.updated_at AS "updatedAt",
                o.instance_id AS "instanceId", i.name AS "instanceName", i.kind AS "instanceKind",
                o.incident_id AS "incidentId", n.title AS "incidentTitle", n.state AS "incidentState",
                (SELECT count(*)::int FROM outbox_message h
                  WHERE o.incident_id IS NOT NULL AND h.incident_id = o.incident_id
                    AND h.instance_id = o.instance_id AND h.id > o.id
                    AND h.status = 'pending') AS holding
           FROM outbox_message o
           LEFT JOIN connector_instance i ON i.id = o.instance_id
           LEFT JOIN incident n ON n.id = o.incident_id
          WHERE o.status = 'dead'
          ORDER BY o.updated_at DESC, o.id DESC
          LIMIT $1 OFFSET $2`,
        [limit, offset],
      ) as Promise<DeadLetterRow[]>,
      this.ds.query(
        `SELECT count(*)::int AS total FROM outbox_message WHERE status = 'dead'`,
      ) as Promise<{ total: number }[]>,
    ]);
    return { items: rows.map(toDeadLetter), total: Number(total) };
  }

  /** How many messages are in each state (every state listed, zero included). */
  async counts(): Promise<Record<OutboxStatus, number>> {
    const rows = (await this.ds.query(
      `SELECT status, count(*)::int AS n FROM outbox_message GROUP BY status`,
    )) as { status: OutboxStatus; n: number }[];
    const counts: Record<OutboxStatus, number> = {
      pending: 0,
      delivering: 0,
      delivered: 0,
      dead: 0,
      discarded: 0,
    };
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  }
}

function toDeadLetter(r: DeadLetterRow): DeadLetter {
  return {
    id: String(r.id),
    action: r.action,
    payload: typeof r.payload === 'string' ? (JSON.parse(r.payload) as object) : r.payload,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.maxAttempts),
    lastError: r.lastError,
    createdAt: new Date(r.createdAt),
    deadSince: new Date(r.updatedAt),
    instance: { id: r.instanceId, name: r.instanceName, kind: r.instanceKind },
    incident: r.incidentId
      ? { id: r.incidentId, title: r.incidentTitle, state: r.incidentState }
      : null,
    holding: Number(r.holding),
  };
}
