import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConnectorError } from '../../connectors/contract/connector-error';

/** Advisory lock class of the budget counters; the second key is the instance's hash. */
const BUDGET_LOCK = 73190414;

/**
 * A per-instance budget of vendor calls per rolling hour, shared by every replica: calls are
 * counted in minute buckets in the database, and a call over the budget is not made. It fails
 * as rate-limited with the time until the oldest counted minute leaves the hour, so the outbox
 * waits for it without spending an attempt and a poll resumes from its cursor next time.
 */
@Injectable()
export class RequestBudget {
  constructor(private readonly ds: DataSource) {}

  async take(instanceId: string, perHour: number): Promise<void> {
    const waitMs = await this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [BUDGET_LOCK, instanceId]);
      const [spent] = (await m.query(
        `SELECT COALESCE(sum(used), 0)::int AS used,
                COALESCE(EXTRACT(EPOCH FROM min(minute) + interval '1 hour' - now()) * 1000, 0)::int AS wait_ms
           FROM connector_request_budget
          WHERE instance_id = $1 AND minute > now() - interval '1 hour'`,
        [instanceId],
      )) as { used: number; wait_ms: number }[];
      if (spent.used >= perHour) return Math.max(1000, spent.wait_ms);
      const [bucket] = (await m.query(
        `INSERT INTO connector_request_budget AS b (instance_id, minute, used)
         VALUES ($1, date_trunc('minute', now()), 1)
         ON CONFLICT (instance_id, minute) DO UPDATE SET used = b.used + 1
         RETURNING (xmax = 0) AS fresh`,
        [instanceId],
      )) as { fresh: boolean }[];
      // A new minute: the buckets that left the hour long ago go.
      if (bucket.fresh)
        await m.query(
          `DELETE FROM connector_request_budget
            WHERE instance_id = $1 AND minute < now() - interval '2 hours'`,
          [instanceId],
        );
      return 0;
    });
    if (waitMs > 0)
      throw new ConnectorError(
        `request budget of ${perHour} calls per hour is spent; the next call can go in ${Math.ceil(waitMs / 1000)} s`,
        'rate-limited',
        true,
        waitMs,
      );
  }

  /** Calls made in the last hour, by instance. */
  async usedLastHour(): Promise<Map<string, number>> {
    const rows = (await this.ds.query(
      `SELECT instance_id, sum(used)::int AS used FROM connector_request_budget
        WHERE minute > now() - interval '1 hour' GROUP BY instance_id`,
    )) as { instance_id: string; used: number }[];
    return new Map(rows.map((r) => [r.instance_id, r.used]));
  }
}
