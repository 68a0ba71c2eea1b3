import { Controller, Get, Header, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { pendingMigrations } from '../database/data-source';
import { MetricsService } from '../common/metrics.service';

@ApiTags('operations')
@Controller()
export class OpsController {
  constructor(
    private readonly ds: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  /** Liveness: the process answers. */
  @Get('health')
  health() {
    return { status: 'ok' };
  }

  /** Readiness: the database answers and every migration is applied. */
  @Get('ready')
  async ready() {
    try {
      await this.ds.query('SELECT 1');
    } catch {
      throw new ServiceUnavailableException({ status: 'unavailable', database: 'unreachable' });
    }
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
    return this.metrics.registry.metrics();
  }
}
