import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { SCORED_DEVICES } from './compliance-risk-sql';
import { RISK_LEVELS } from './compliance-settings';
import { summarise } from './compliance-summaries';

/** Any fixed number: the advisory lock that keeps the snapshot to one replica at a time. */
const SNAPSHOT_LOCK = 73_190_412;

/**
 * The daily compliance snapshot behind the 30-day trend: each client's device counts by risk,
 * one row per client and day (UTC). Checked every hour, taken once a day: a replica that was
 * down at midnight still takes the day's snapshot when it is back. Before the first snapshot of
 * a day every summary is rebuilt, which also catches devices that moved between clients.
 */
@Injectable()
export class ComplianceSnapshotJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('ComplianceSnapshot');

  constructor(
    private readonly ds: DataSource,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Devices that have patches but no summary yet (an upgrade from before compliance).
    await this.ds.transaction((m) => summarise(m, { withoutSummary: true }));
    // Not awaited: on a large installation the day's first snapshot takes seconds, and the
    // service need not wait for it to answer.
    if (this.config.env.SWITCHBOARD_WORKERS) void this.hourly();
  }

  @Cron('0 7 * * * *', { name: 'compliance-snapshot' })
  async hourly(): Promise<void> {
    if (!this.config.env.SWITCHBOARD_WORKERS) return;
    try {
      const taken = await this.take();
      if (taken !== null)
        this.logger.log({
          msg: 'compliance snapshot taken',
          event: 'compliance.snapshot',
          clients: taken,
        });
    } catch (err) {
      this.logger.error({ msg: 'compliance snapshot failed', error: (err as Error).message });
    }
  }

  /** Takes today's snapshot unless another replica holds the lock or it exists: clients or null. */
  async take(force = false): Promise<number | null> {
    return this.ds.transaction(async (m) => {
      const [lock] = (await m.query('SELECT pg_try_advisory_xact_lock($1) AS ok', [
        SNAPSHOT_LOCK,
      ])) as { ok: boolean }[];
      if (!lock.ok) return null;
      const [today] = (await m.query(
        `SELECT count(*) AS n FROM compliance_snapshot WHERE day = (now() AT TIME ZONE 'UTC')::date`,
      )) as { n: string }[];
      if (!force && Number(today.n) > 0) return null;
      await summarise(m, { all: true });
      const rows = (await m.query(
        `WITH ${SCORED_DEVICES}
         INSERT INTO compliance_snapshot (day, client_id, devices, by_risk)
         SELECT (now() AT TIME ZONE 'UTC')::date, client_id, count(*),
                jsonb_build_object(${RISK_LEVELS.map(
                  (r, i) => `'${r}', count(*) FILTER (WHERE level = ${4 - i})`,
                ).join(', ')})
           FROM scored GROUP BY client_id
         ON CONFLICT (day, client_id) DO UPDATE SET devices = EXCLUDED.devices,
           by_risk = EXCLUDED.by_risk, taken_at = now()
         RETURNING client_id`,
        [null],
      )) as unknown[];
      return rows.length;
    });
  }
}
