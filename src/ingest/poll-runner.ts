import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  PULL_STREAMS,
  STREAM_CAPABILITY,
  type PullStream,
} from '../../connectors/contract/capabilities';
import { PULL_METHOD, type Page } from '../../connectors/contract/connector';
import { ConnectorError } from '../../connectors/contract/connector-error';
import { ConnectorHost } from '../connector-instances/connector-host.service';
import type { ConnectorInstance } from '../connector-instances/entities/connector-instance.entity';
import { PollState } from '../connector-instances/entities/poll-state.entity';
import { MetricsService } from '../common/metrics.service';
import { InboxService } from './inbox.service';

/** Pages one run may walk before yielding to the next interval (a backlog continues then). */
const MAX_PAGES_PER_RUN = 200;

export interface PollOutcome {
  stream: PullStream;
  records: number;
  error?: string;
  retryAfterMs?: number;
}

/** Pulls every stream an instance declares, storing each page before its cursor moves. */
@Injectable()
export class PollRunner {
  private readonly logger = new Logger(PollRunner.name);

  constructor(
    private readonly ds: DataSource,
    private readonly host: ConnectorHost,
    private readonly inbox: InboxService,
    private readonly metrics: MetricsService,
  ) {}

  async run(instance: ConnectorInstance): Promise<PollOutcome[]> {
    const { connector, definition } = this.host.live(instance);
    const outcomes: PollOutcome[] = [];
    for (const stream of PULL_STREAMS) {
      const method = connector[PULL_METHOD[stream]];
      if (!definition.capabilities.includes(STREAM_CAPABILITY[stream]) || !method) continue;
      outcomes.push(
        await this.runStream(instance, stream, (cursor) => method.call(connector, cursor)),
      );
    }
    return outcomes;
  }

  private async runStream(
    instance: ConnectorInstance,
    stream: PullStream,
    pull: (cursor: string | null) => Promise<Page>,
  ): Promise<PollOutcome> {
    const states = this.ds.getRepository(PollState);
    await states
      .createQueryBuilder()
      .insert()
      .values({ instanceId: instance.id, stream })
      .orIgnore()
      .execute();
    const state = await states.findOneByOrFail({ instanceId: instance.id, stream });
    const started = Date.now();
    let cursor = state.cursor;
    let records = 0;
    try {
      for (let page = 0; page < MAX_PAGES_PER_RUN; page++) {
        const result = await pull(cursor);
        const next = result.cursor ?? cursor;
        await this.ds.transaction(async (m) => {
          await this.inbox.store(instance.id, 'poll', result.records, m);
          await m
            .getRepository(PollState)
            .update(
              { instanceId: instance.id, stream },
              { cursor: next, lastRecords: result.records.length },
            );
        });
        this.inbox.notify();
        records += result.records.length;
        cursor = next;
        if (!result.more) break;
      }
      const ms = Date.now() - started;
      await states.update(
        { instanceId: instance.id, stream },
        { lastSuccessAt: new Date(), lastDurationMs: ms, lastRecords: records },
      );
      this.metrics.pollDuration.observe({ kind: instance.kind, stream }, ms / 1000);
      return { stream, records };
    } catch (err) {
      const error =
        err instanceof ConnectorError
          ? err
          : new ConnectorError(`${(err as Error).message}`, 'unavailable', true);
      await states.update(
        { instanceId: instance.id, stream },
        {
          lastError: error.message.slice(0, 1000),
          lastErrorAt: new Date(),
          lastDurationMs: Date.now() - started,
        },
      );
      this.metrics.pollErrors.inc({ kind: instance.kind, stream, reason: error.reason });
      this.logger.warn(
        {
          instanceId: instance.id,
          kind: instance.kind,
          stream,
          reason: error.reason,
          error: error.message,
        },
        'poll failed',
      );
      return { stream, records, error: error.message, retryAfterMs: error.retryAfterMs };
    }
  }
}
