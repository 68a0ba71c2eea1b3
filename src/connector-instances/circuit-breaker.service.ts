import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConnectorError } from '../../connectors/contract/connector-error';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../common/metrics.service';
import { returnedRows } from '../common/sql';

/** How long a replica trusts what it last read of a circuit (others may have opened it). */
const READ_CACHE_MS = 1000;

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitView {
  state: CircuitState;
  consecutiveFailures: number;
  openUntil: Date | null;
  openedAt: Date | null;
  timesOpened: number;
  lastFailure: string | null;
  lastFailureAt: Date | null;
}

interface Known {
  failures: number;
  openUntil: number | null;
  readAt: number;
}

interface CircuitRow {
  consecutive_failures: number;
  open_until: Date | string | null;
  opened_at: Date | string | null;
  times_opened: number;
  last_failure: string | null;
  last_failure_at: Date | string | null;
}

const asDate = (v: Date | string | null) => (v === null ? null : new Date(v));

/**
 * One circuit per connector instance, shared by every replica through the database: after
 * CIRCUIT_FAILURE_THRESHOLD failed vendor calls in a row (no answer, 5xx, 408, 401) the
 * instance is paused for CIRCUIT_OPEN_SECONDS. Paused calls are not failures: an outbox message
 * waits without spending an attempt. After the pause calls go again (half-open); the first
 * success closes the circuit, the first failure opens it for another pause.
 */
@Injectable()
export class CircuitBreaker {
  private readonly logger = new Logger(CircuitBreaker.name);
  private readonly known = new Map<string, Known>();

  constructor(
    private readonly ds: DataSource,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** Throws a waiting error while the instance's circuit is open. */
  async admit(instanceId: string): Promise<void> {
    const known = await this.read(instanceId);
    const left = known.openUntil === null ? 0 : known.openUntil - Date.now();
    if (left > 0)
      throw new ConnectorError(
        `circuit open after ${known.failures} failed calls in a row; calls resume in ${Math.ceil(left / 1000)} s`,
        'unavailable',
        true,
        left,
        true,
      );
  }

  async succeeded(instanceId: string, kind: string): Promise<void> {
    const known = this.known.get(instanceId);
    if (known && known.failures === 0 && known.readAt > Date.now() - READ_CACHE_MS) return;
    const rows = returnedRows<{ was: number }>(
      await this.ds.query(
        `UPDATE connector_circuit c SET consecutive_failures = 0, open_until = NULL
           FROM connector_circuit old
          WHERE c.instance_id = $1 AND old.instance_id = c.instance_id AND c.consecutive_failures > 0
          RETURNING old.consecutive_failures AS was`,
        [instanceId],
      ),
    );
    this.known.set(instanceId, { failures: 0, openUntil: null, readAt: Date.now() });
    const was = rows[0]?.was ?? 0;
    if (was >= this.config.env.CIRCUIT_FAILURE_THRESHOLD)
      this.logger.log({ instanceId, kind, failures: was }, 'circuit closed: calls go again');
  }

  async failed(instanceId: string, kind: string, failure: string): Promise<void> {
    const threshold = this.config.env.CIRCUIT_FAILURE_THRESHOLD;
    const [row] = returnedRows<{
      failures: number;
      open_until: Date | string | null;
      opened: boolean;
    }>(
      await this.ds.query(
        `INSERT INTO connector_circuit AS c
                (instance_id, consecutive_failures, last_failure, last_failure_at, open_until, opened_at, times_opened)
         VALUES ($1, 1, $2, now(),
                 CASE WHEN 1 >= $3 THEN now() + make_interval(secs => $4) END,
                 CASE WHEN 1 >= $3 THEN now() END,
                 CASE WHEN 1 >= $3 THEN 1 ELSE 0 END)
         ON CONFLICT (instance_id) DO UPDATE SET
           consecutive_failures = c.consecutive_failures + 1,
           last_failure = $2, last_failure_at = now(),
           open_until = CASE WHEN c.consecutive_failures + 1 >= $3
                              AND (c.open_until IS NULL OR c.open_until <= now())
                             THEN now() + make_interval(secs => $4) ELSE c.open_until END,
           opened_at = CASE WHEN c.consecutive_failures + 1 >= $3
                             AND (c.open_until IS NULL OR c.open_until <= now())
                            THEN now() ELSE c.opened_at END,
           times_opened = c.times_opened + CASE WHEN c.consecutive_failures + 1 >= $3
                             AND (c.open_until IS NULL OR c.open_until <= now()) THEN 1 ELSE 0 END
         RETURNING c.consecutive_failures AS failures, c.open_until,
                   (c.opened_at = now()) AS opened`,
        [instanceId, failure.slice(0, 500), threshold, this.config.env.CIRCUIT_OPEN_SECONDS],
      ),
    );
    const openUntil = row.open_until === null ? null : new Date(row.open_until).getTime();
    this.known.set(instanceId, { failures: row.failures, openUntil, readAt: Date.now() });
    if (row.opened) {
      this.metrics.circuitOpened.inc({ kind });
      this.logger.warn(
        {
          instanceId,
          kind,
          failures: row.failures,
          pausedUntil: openUntil === null ? null : new Date(openUntil).toISOString(),
          lastFailure: failure,
        },
        'circuit opened: the tool keeps failing, calls to it are paused',
      );
    }
  }

  private async read(instanceId: string): Promise<Known> {
    const hit = this.known.get(instanceId);
    if (hit && hit.readAt > Date.now() - READ_CACHE_MS) return hit;
    const [row] = (await this.ds.query(
      `SELECT consecutive_failures, open_until FROM connector_circuit WHERE instance_id = $1`,
      [instanceId],
    )) as Pick<CircuitRow, 'consecutive_failures' | 'open_until'>[];
    const known = {
      failures: row?.consecutive_failures ?? 0,
      openUntil: row?.open_until ? new Date(row.open_until).getTime() : null,
      readAt: Date.now(),
    };
    this.known.set(instanceId, known);
    return known;
  }

  /** Every instance's circuit, for the connector views and the metrics. */
  async views(): Promise<Map<string, CircuitView>> {
    const rows = (await this.ds.query(
      `SELECT instance_id, consecutive_failures, open_until, opened_at, times_opened,
              last_failure, last_failure_at, open_until > now() AS open
         FROM connector_circuit`,
    )) as (CircuitRow & { instance_id: string; open: boolean | null })[];
    const threshold = this.config.env.CIRCUIT_FAILURE_THRESHOLD;
    return new Map(
      rows.map((r) => [
        r.instance_id,
        {
          state: r.open
            ? 'open'
            : r.consecutive_failures >= threshold
              ? 'half-open'
              : ('closed' as CircuitState),
          consecutiveFailures: r.consecutive_failures,
          openUntil: asDate(r.open_until),
          openedAt: asDate(r.opened_at),
          timesOpened: r.times_opened,
          lastFailure: r.last_failure,
          lastFailureAt: asDate(r.last_failure_at),
        },
      ]),
    );
  }
}

export const CLOSED_CIRCUIT: CircuitView = {
  state: 'closed',
  consecutiveFailures: 0,
  openUntil: null,
  openedAt: null,
  timesOpened: 0,
  lastFailure: null,
  lastFailureAt: null,
};
