import type { DataSource } from 'typeorm';

/**
 * Newest inbox rows the webhook counts read. The inbox has no index on received_at, so the
 * count walks the primary key backwards over at most this many rows (all instances together);
 * past it the page says "at least". Cheap enough to run on every 5-second refresh.
 */
export const INBOX_WINDOW_ROWS = 20_000;

/** Inbox records of one instance in the last hour, by how they arrived. */
export interface ArrivalCounts {
  received: number;
  failed: number;
  lastAt: Date | null;
}

export interface InstanceActivity {
  webhook: ArrivalCounts;
  poll: ArrivalCounts;
  /** Outbox messages still to deliver; `retrying` have failed at least once. */
  outbox: { waiting: number; retrying: number; lastError: string | null };
  pollingNow: boolean;
}

export interface Activity {
  byInstance: Map<string, InstanceActivity>;
  /** More inbox rows arrived in the hour than were read: the counts are lower bounds. */
  truncated: boolean;
}

const empty = (): InstanceActivity => ({
  webhook: { received: 0, failed: 0, lastAt: null },
  poll: { received: 0, failed: 0, lastAt: null },
  outbox: { waiting: 0, retrying: 0, lastError: null },
  pollingNow: false,
});

interface InboxRow {
  instance_id: string;
  source: string;
  received: number;
  failed: number;
  last_at: Date | string | null;
  read: number;
  oldest: Date | string | null;
}

interface OutboxRow {
  instance_id: string;
  waiting: number;
  retrying: number;
  last_error: string | null;
}

const asDate = (v: Date | string | null) => (v === null ? null : new Date(v));

/**
 * What the connector pages show beside the poll states the service reports: webhook and poll
 * records in the last hour (the inbox), deliveries waiting (the outbox), a poll running now
 * (the poll lease). Read-only, a few grouped queries for all instances at once.
 */
export async function readActivity(ds: DataSource, now = new Date()): Promise<Activity> {
  const hourAgo = new Date(now.getTime() - 3600_000);
  const byInstance = new Map<string, InstanceActivity>();
  const of = (id: string) => byInstance.get(id) ?? byInstance.set(id, empty()).get(id)!;

  const inbox: InboxRow[] = await ds.query(
    `WITH recent AS (
       SELECT instance_id, source, status, received_at FROM inbox_event ORDER BY id DESC LIMIT $1)
     SELECT r.instance_id, r.source, count(*)::int AS received,
            (count(*) FILTER (WHERE r.status = 'failed'))::int AS failed,
            max(r.received_at) AS last_at,
            (SELECT count(*) FROM recent)::int AS read,
            (SELECT min(received_at) FROM recent) AS oldest
       FROM recent r WHERE r.received_at > $2
      GROUP BY r.instance_id, r.source`,
    [INBOX_WINDOW_ROWS, hourAgo],
  );
  let truncated = false;
  for (const row of inbox) {
    const counts =
      row.source === 'webhook' ? of(row.instance_id).webhook : of(row.instance_id).poll;
    counts.received = row.received;
    counts.failed = row.failed;
    counts.lastAt = asDate(row.last_at);
    const oldest = asDate(row.oldest);
    if (row.read >= INBOX_WINDOW_ROWS && oldest && oldest > hourAgo) truncated = true;
  }

  // Both statuses have a partial index; delivered and dead messages are not read.
  const outbox: OutboxRow[] = await ds.query(
    `SELECT instance_id, count(*)::int AS waiting,
            (count(*) FILTER (WHERE attempts > 0))::int AS retrying,
            (array_agg(last_error ORDER BY updated_at DESC) FILTER (WHERE last_error IS NOT NULL))[1]
              AS last_error
       FROM outbox_message WHERE status = 'pending' OR status = 'delivering'
      GROUP BY instance_id`,
  );
  for (const row of outbox)
    of(row.instance_id).outbox = {
      waiting: row.waiting,
      retrying: row.retrying,
      lastError: row.last_error,
    };

  const leases: { id: string }[] = await ds.query(
    `SELECT id FROM connector_instance WHERE poll_lease_until > $1`,
    [now],
  );
  for (const row of leases) of(row.id).pollingNow = true;
  return { byInstance, truncated };
}

export function activityOf(activity: Activity, id: string): InstanceActivity {
  return activity.byInstance.get(id) ?? empty();
}
