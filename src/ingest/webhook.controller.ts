import {
  Controller,
  HttpCode,
  HttpException,
  Logger,
  NotFoundException,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { ConnectorHost } from '../connector-instances/connector-host.service';
import { isUuid } from '../common/api-errors';
import { MetricsService } from '../common/metrics.service';
import { InboxService } from './inbox.service';

function flat(source: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
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
      body = JSON.parse(rawBody.toString('utf8'));
    } catch (err) {
      this.reject(400, 'malformed', `body: malformed JSON (${(err as Error).message})`, instanceId);
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
    const result = await this.inbox.store(instanceId, 'webhook', verdict.records);
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
