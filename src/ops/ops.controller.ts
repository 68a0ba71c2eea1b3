import { Controller, Get, Header, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { pendingMigrations } from '../database/data-source';
import { MetricsService } from '../common/metrics.service';
import { ApiErrors, RETRY_AFTER_HEADER } from '../common/api-errors';
import { HealthAnswerDto } from './dto/health-answer.dto';
import { NotReadyAnswerDto, ReadyAnswerDto } from './dto/ready-answer.dto';

const READY_TIMEOUT_MS = 2000;

@ApiTags('operations')
@Controller()
export class OpsController {
  constructor(
    private readonly ds: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  /** Liveness: the process answers. */
  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process answers (no database involved)' })
  @ApiOkResponse({ type: HealthAnswerDto })
  health() {
    return { status: 'ok' };
  }

  /** Readiness: the database answers and every migration is applied. */
  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: the database answers within 2 s and every migration is applied',
  })
  @ApiOkResponse({ type: ReadyAnswerDto })
  @ApiServiceUnavailableResponse({
    description: 'The database does not answer, or migrations are pending',
    type: NotReadyAnswerDto,
    headers: RETRY_AFTER_HEADER,
  })
  async ready() {
    // A database that drops packets never answers: readiness says so within 2 s, not never.
    const answered = await Promise.race([
      this.ds.query('SELECT 1').then(
        () => 'ok' as const,
        () => 'unreachable' as const,
      ),
      new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), READY_TIMEOUT_MS).unref(),
      ),
    ]);
    if (answered !== 'ok')
      throw new ServiceUnavailableException({
        status: 'unavailable',
        database:
          answered === 'timeout' ? `no answer within ${READY_TIMEOUT_MS} ms` : 'unreachable',
      });
    const pending = await pendingMigrations(this.ds);
    if (pending > 0)
      throw new ServiceUnavailableException({
        status: 'unavailable',
        database: 'ok',
        pendingMigrations: pending,
      });
    return { status: 'ready', database: 'ok', pendingMigrations: 0 };
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  @ApiOperation({
    summary: 'Prometheus metrics: outbox depth, webhooks, circuits and request budgets',
  })
  @ApiOkResponse({
    description: 'The Prometheus text exposition format, version 0.0.4',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiErrors(503)
  async scrape(): Promise<string> {
    const rows: { status: string; n: string }[] = await this.ds.query(
      `SELECT status, count(*) AS n FROM outbox_message WHERE status IN ('pending', 'delivering', 'dead') GROUP BY status`,
    );
    for (const status of ['pending', 'delivering', 'dead']) {
      this.metrics.outboxDepth.set(
        { status },
        Number(rows.find((r) => r.status === status)?.n ?? 0),
      );
    }
    await this.connectorGauges();
    return this.metrics.registry.metrics();
  }

  /** Dead letters and poll health per instance, from the database (every replica agrees). */
  private async instanceGauges(): Promise<void> {
    const dead: { id: string; kind: string; n: number }[] = await this.ds.query(
      `SELECT i.id, i.kind, count(o.id)::int AS n
         FROM connector_instance i LEFT JOIN outbox_message o ON o.instance_id = i.id AND o.status = 'dead'
        GROUP BY i.id, i.kind`,
    );
    this.metrics.outboxDeadByInstance.reset();
    for (const r of dead)
      this.metrics.outboxDeadByInstance.set({ instance_id: r.id, kind: r.kind }, r.n);
    const polls: {
      id: string;
      kind: string;
      stream: string;
      lag: number | null;
      failing: boolean;
    }[] = await this.ds.query(
      `SELECT i.id, i.kind, p.stream,
              EXTRACT(EPOCH FROM now() - p.last_success_at)::float8 AS lag,
              (p.last_error_at IS NOT NULL
                AND (p.last_success_at IS NULL OR p.last_error_at > p.last_success_at)) AS failing
         FROM poll_state p JOIN connector_instance i ON i.id = p.instance_id`,
    );
    this.metrics.pollLag.reset();
    this.metrics.pollFailing.reset();
    for (const r of polls) {
      const labels = { instance_id: r.id, kind: r.kind, stream: r.stream };
      if (r.lag !== null) this.metrics.pollLag.set(labels, Math.round(Number(r.lag)));
      this.metrics.pollFailing.set(labels, r.failing ? 1 : 0);
    }
  }

  /** Circuits and budgets as every replica sees them: read from the database at each scrape. */
  private async connectorGauges(): Promise<void> {
    const rows: { id: string; kind: string; open: boolean; budget: number | null; used: number }[] =
      await this.ds.query(
        `SELECT i.id, i.kind, COALESCE(c.open_until > now(), false) AS open,
                i.requests_per_hour AS budget,
                (SELECT COALESCE(sum(b.used), 0)::int FROM connector_request_budget b
                  WHERE b.instance_id = i.id AND b.minute > now() - interval '1 hour') AS used
           FROM connector_instance i LEFT JOIN connector_circuit c ON c.instance_id = i.id`,
      );
    await this.instanceGauges();
    this.metrics.circuitOpen.reset();
    this.metrics.requestsLastHour.reset();
    for (const r of rows) {
      const labels = { instance_id: r.id, kind: r.kind };
      this.metrics.circuitOpen.set(labels, r.open ? 1 : 0);
      if (r.budget !== null) this.metrics.requestsLastHour.set(labels, r.used);
    }
  }
}
