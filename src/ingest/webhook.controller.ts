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
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { ConnectorHost } from '../connector-instances/connector-host.service';
import { ApiErrors, isUuid } from '../common/api-errors';
import { MetricsService } from '../common/metrics.service';
import { classifyDbError } from '../common/db-errors';
import { parseJsonBody } from '../common/safe-json';
import { InboxService } from './inbox.service';
import { GenericEventDto } from './dto/generic-event.dto';
import { WebhookAcceptedDto } from './dto/webhook-accepted.dto';

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
@ApiTags('webhooks')
@ApiExtraModels(GenericEventDto)
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
  @ApiOperation({
    summary: "Receive a tool's events: verified, stored durably, normalized afterwards",
    description:
      "A `generic` instance takes the generic event below, one or an array of up to 1,000 (all-or-nothing), with the instance's webhook secret as the X-Switchboard-Token header or the token query parameter. Other kinds take their vendor's own JSON body, verified the vendor's way (signature header, shared token): see each connector's README. Bodies at most 1 MiB. A 2xx means the records are committed; send again on a 503.",
  })
  @ApiParam({ name: 'instanceId', format: 'uuid', description: 'The connector instance' })
  @ApiHeader({
    name: 'X-Switchboard-Token',
    required: false,
    description: "generic: the instance's webhook secret (or the token query parameter)",
  })
  @ApiQuery({
    name: 'token',
    required: false,
    type: String,
    description: "generic: the instance's webhook secret, when the sender cannot set a header",
  })
  @ApiBody({
    description:
      "For a generic instance: one event or an array of up to 1,000. Other connector kinds send their vendor's own body, not described here.",
    schema: {
      oneOf: [
        { $ref: getSchemaPath(GenericEventDto) },
        {
          type: 'array',
          items: { $ref: getSchemaPath(GenericEventDto) },
          minItems: 1,
          maxItems: 1000,
        },
      ],
    },
  })
  @ApiAcceptedResponse({
    description: 'Stored (duplicates counted, not stored again)',
    type: WebhookAcceptedDto,
  })
  @ApiErrors(
    [400, 'Malformed JSON, or an invalid event: the message names each bad field'],
    [401, 'Missing or wrong webhook secret or signature'],
    [403, "Refused by the kind's own sender check (some vendor kinds)"],
    [404, 'No enabled instance with this id that receives webhooks'],
    413,
    [503, 'The event could not be stored now: send it again after Retry-After seconds'],
  )
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
