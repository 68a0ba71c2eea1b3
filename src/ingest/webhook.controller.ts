import {
  Controller,
  HttpCode,
  HttpException,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { ConnectorHost } from '../connector-instances/connector-host.service';
import { isUuid } from '../common/api-errors';
import { MetricsService } from '../common/metrics.service';
import { classifyDbError } from '../common/db-errors';
import { parseJsonBody } from '../common/safe-json';
import { InboxService } from './inbox.service';

/** Header or query values as single strings, in an object no key can give a prototype. */
function flat(source: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = Object.create(null);
  for (const [k, v] of Object.entries(source))
    out[k.toLowerCase()] = Array.isArray(v)
      ? String(v[0])
      : v === undefined
        ? undefined
        : String(v);
  return out;
}

/** POST /webhooks/:instanceId — verify, store durably, answer; normalization runs after. */
@ApiExcludeController()
@Controller('webhooks')
export class WebhookController {
  constructor(
    private readonly host: ConnectorHost,
    private readonly inbox: InboxService,
    private readonly metrics: MetricsService,
  ) {}

  private readonly logger = new Logger(WebhookController.name);

  private reject(status: number, reason: string, message: string, instanceId?: string): never {
    this.metrics.webhooksRejected.inc({ reason });
    this.logger.warn({ instanceId, status, reason }, `webhook rejected: ${message.slice(0, 300)}`);
    throw new HttpException({ statusCode: status, error: reason, message }, status);
  }

  /** A row the database refuses is this sender's input (400); a database away is a 503. */
  private storeFailed(err: unknown, instanceId: string): never {
    const kind = classifyDbError(err);
    const message = err instanceof Error ? err.message : String(err);
    if (kind === 'invalid-data')
      this.reject(
        400,
        'invalid',
        `body: a value cannot be stored (${message.slice(0, 200)})`,
        instanceId,
      );
    this.metrics.webhooksRejected.inc({ reason: 'unavailable' });
    this.logger.error({ instanceId, error: message }, 'webhook not stored: database unavailable');
    throw new ServiceUnavailableException({
      statusCode: 503,
      error: 'unavailable',
      message: 'the event could not be stored; retry later',
    });
  }

  @Post(':instanceId')
  @HttpCode(202)
  async receive(@Param('instanceId') instanceId: string, @Req() req: Request) {
    const live = isUuid(instanceId) ? await this.host.liveById(instanceId) : null;
    if (!live || !live.instance.enabled || !live.connector.handleWebhook) {
      this.metrics.webhooksRejected.inc({ reason: 'not-found' });
      this.logger.warn(
        { instanceId: instanceId.slice(0, 64), status: 404, reason: 'not-found' },
        'webhook rejected: no enabled receiver',
      );
      throw new NotFoundException(`no enabled webhook receiver ${instanceId}`);
    }
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (rawBody.length === 0)
      this.reject(400, 'malformed', 'body: empty; expected JSON', instanceId);
    let body: unknown;
    try {
      body = parseJsonBody(rawBody.toString('utf8'));
    } catch (err) {
      this.reject(400, 'malformed', (err as Error).message, instanceId);
    }
    const verdict = live.connector.handleWebhook({
      headers: flat(req.headers),
      query: flat(req.query as Record<string, unknown>),
      rawBody,
      body,
    });
    if (!verdict.ok)
      this.reject(
        verdict.status,
        verdict.status === 400 ? 'invalid' : 'unauthorized',
        verdict.message,
      );
    const result = await this.inbox
      .store(instanceId, 'webhook', verdict.records)
      .catch((err: unknown) => this.storeFailed(err, instanceId));
    this.metrics.webhooksAccepted.inc({ kind: live.instance.kind }, result.stored);
    if (result.duplicates > 0)
      this.metrics.webhooksDuplicate.inc({ kind: live.instance.kind }, result.duplicates);
    return {
      accepted: verdict.records.length,
      stored: result.stored,
      duplicates: result.duplicates,
    };
  }
}
