import type { DataSource, EntityManager } from 'typeorm';
import type { HealthSeen } from '../../connectors/contract/canonical';

/** Kinds that say a problem is over; the others say it started. */
const RECOVERY = new Set(['device.up', 'service.up', 'check.ok']);

const DEFAULT_REASON = 'the record names no device (no id, hostname, FQDN, IP or serial)';

export type UnmatchedState = 'open' | 'resolved' | 'all';
export const UNMATCHED_STATES: readonly UnmatchedState[] = ['open', 'resolved', 'all'];

export interface UnmatchedAlert {
  id: string;
  instanceId: string;
  instanceName: string;
  clientId: string | null;
  problemKey: string;
  kind: string;
  subject: string | null;
  severity: string | null;
  message: string | null;
  reason: string;
  occurrences: number;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
}

/**
 * The key that ties an alert's firing to its resolve: the tool's problem id, else what the
 * alert is about (a resolve carries the same subject and kind family as its firing).
 */
function problemKey(e: HealthSeen): string {
  if (e.problemId) return `problem:${e.problemId}`;
  const family = e.kind.split('.')[0];
  return `about:${family}:${e.subject ?? ''}`;
}

/**
 * Keeps a health event that names no device as an unmatched alert of its instance: a firing
 * opens (or reopens) the row and counts it, a resolve closes it. A resolve with no firing
 * before it is kept too, already resolved, so nothing the tool said is lost.
 */
export async function recordUnmatchedAlert(
  m: EntityManager,
  instanceId: string,
  inboxId: string | null,
  e: HealthSeen,
  clientId: string | null,
): Promise<void> {
  const recovered = RECOVERY.has(e.kind);
  const at = e.occurredAt;
  const params = [
    instanceId,
    problemKey(e),
    clientId,
    e.kind,
    e.subject ?? null,
    e.severity ?? null,
    e.message ?? null,
    e.unmatchedReason?.trim() || DEFAULT_REASON,
    inboxId,
    at,
  ];
  if (recovered) {
    await m.query(
      `INSERT INTO unmatched_alert (instance_id, problem_key, client_id, kind, subject, severity,
         message, reason, inbox_id, first_seen_at, last_seen_at, resolved_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10)
       ON CONFLICT (instance_id, problem_key) DO UPDATE SET
         resolved_at = GREATEST(EXCLUDED.resolved_at, unmatched_alert.last_seen_at)
       WHERE unmatched_alert.resolved_at IS NULL`,
      params,
    );
    return;
  }
  await m.query(
    `INSERT INTO unmatched_alert (instance_id, problem_key, client_id, kind, subject, severity,
       message, reason, inbox_id, first_seen_at, last_seen_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
     ON CONFLICT (instance_id, problem_key) DO UPDATE SET
       client_id = COALESCE(EXCLUDED.client_id, unmatched_alert.client_id),
       kind = EXCLUDED.kind,
       subject = EXCLUDED.subject,
       severity = COALESCE(EXCLUDED.severity, unmatched_alert.severity),
       message = COALESCE(EXCLUDED.message, unmatched_alert.message),
       reason = EXCLUDED.reason,
       inbox_id = EXCLUDED.inbox_id,
       occurrences = unmatched_alert.occurrences + 1,
       first_seen_at = LEAST(unmatched_alert.first_seen_at, EXCLUDED.first_seen_at),
       last_seen_at = GREATEST(unmatched_alert.last_seen_at, EXCLUDED.last_seen_at),
       resolved_at = CASE
         WHEN unmatched_alert.resolved_at IS NOT NULL
          AND EXCLUDED.last_seen_at > unmatched_alert.resolved_at THEN NULL
         ELSE unmatched_alert.resolved_at END`,
    params,
  );
}

export interface UnmatchedQuery {
  state: UnmatchedState;
  instanceId?: string;
  /** A client-scoped reader sees only its client's alerts. */
  clientId?: string;
  limit: number;
  offset: number;
}

interface Row {
  id: string;
  instance_id: string;
  instance_name: string;
  client_id: string | null;
  problem_key: string;
  kind: string;
  subject: string | null;
  severity: string | null;
  message: string | null;
  reason: string;
  occurrences: number;
  first_seen_at: Date | string;
  last_seen_at: Date | string;
  resolved_at: Date | string | null;
}

const iso = (v: Date | string) => new Date(v).toISOString();

/** Unmatched alerts, newest first, with how many the filter selects over every page. */
export async function listUnmatchedAlerts(
  ds: DataSource,
  q: UnmatchedQuery,
): Promise<{ items: UnmatchedAlert[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.state === 'open') where.push('a.resolved_at IS NULL');
  if (q.state === 'resolved') where.push('a.resolved_at IS NOT NULL');
  if (q.instanceId) where.push(`a.instance_id = $${params.push(q.instanceId)}`);
  if (q.clientId) where.push(`a.client_id = $${params.push(q.clientId)}`);
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [count] = (await ds.query(
    `SELECT count(*)::int AS total FROM unmatched_alert a ${filter}`,
    params,
  )) as { total: number }[];
  const rows = (await ds.query(
    `SELECT a.*, i.name AS instance_name FROM unmatched_alert a
       JOIN connector_instance i ON i.id = a.instance_id
     ${filter}
     ORDER BY a.last_seen_at DESC, a.id DESC
     LIMIT $${params.push(q.limit)} OFFSET $${params.push(q.offset)}`,
    params,
  )) as Row[];
  return {
    total: count.total,
    items: rows.map((r) => ({
      id: String(r.id),
      instanceId: r.instance_id,
      instanceName: r.instance_name,
      clientId: r.client_id,
      problemKey: r.problem_key,
      kind: r.kind,
      subject: r.subject,
      severity: r.severity,
      message: r.message,
      reason: r.reason,
      occurrences: Number(r.occurrences),
      firstSeenAt: iso(r.first_seen_at),
      lastSeenAt: iso(r.last_seen_at),
      resolvedAt: r.resolved_at === null ? null : iso(r.resolved_at),
    })),
  };
}
