import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions } from './app.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { ApiErrorDto } from './common/dto/api-error.dto';
import { httpTiming } from './common/http-timing';
import { MetricsService } from './common/metrics.service';
import { QuietStartupLogger } from './common/quiet-startup-logger';
import { SafeInputPipe } from './common/safe-input.pipe';
import { parseJsonBody } from './common/safe-json';

export const WEBHOOK_BODY_LIMIT = '1mb';

/** body-parser failures (size, encoding) as JSON with the status they carry, never a crash. */
function bodyErrors(
  err: Error & { status?: number; type?: string },
  _req: Request,
  res: Response,
  next: NextFunction,
): void {
  if (!err || res.headersSent) return next(err);
  const status = err.status ?? 400;
  const message =
    err.type === 'entity.too.large'
      ? `body: larger than the ${WEBHOOK_BODY_LIMIT} limit`
      : err.type === 'entity.parse.failed'
        ? `body: malformed JSON (${err.message})`
        : `body: ${err.message}`;
  res.status(status).json({ statusCode: status, error: err.type ?? 'bad-request', message });
}

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/**
 * API bodies: JSON only, parsed with the same depth and key bounds as webhooks. A body in
 * another content type is a 415, never silently read as empty.
 */
function apiJsonBody(req: Request, res: Response, next: NextFunction): void {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  req.body = undefined;
  if (raw.length === 0) return next();
  const type = req.headers['content-type'] ?? '';
  if (!JSON_TYPE.test(type)) {
    res.status(415).json({
      statusCode: 415,
      error: 'unsupported-media-type',
      message: 'content-type: must be application/json',
    });
    return;
  }
  try {
    req.body = parseJsonBody(raw.toString('utf8'));
  } catch (err) {
    res.status(400).json({ statusCode: 400, error: 'malformed', message: (err as Error).message });
    return;
  }
  next();
}

export async function createApp(options: AppModuleOptions): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(options), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(new QuietStartupLogger(app.get(Logger)));
  app.use(httpTiming(app.get(MetricsService)));
  app.use('/webhooks', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }));
  // Console forms post urlencoded bodies; nothing else reads them.
  app.use('/console', express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }));
  app.use('/api', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), apiJsonBody);
  app.use(bodyErrors);
  app.useGlobalFilters(new ApiExceptionFilter());
  app.useGlobalPipes(
    new SafeInputPipe(),
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  const doc = new DocumentBuilder()
    .setTitle('Switchboard API')
    .setDescription(
      [
        'Incidents, connectors, inventory and outbox. Every /api/v1 route needs Authorization: Bearer <token>;',
        'a role too low or a client-scoped token on a route for the whole installation is a 403.',
        'Request bodies are JSON only (415 otherwise), at most 1 MiB. Every error answers the ApiErrorDto body',
        '(statusCode, error, message); a database that is away is a 503 with Retry-After on any route,',
        'and an unexpected failure a 500 without details.',
        'Tools post their events to POST /webhooks/{instanceId} with the webhook secret, not a token.',
      ].join(' '),
    )
    .setVersion('1')
    .addBearerAuth()
    .addGlobalResponse({
      status: 500,
      description: 'An unexpected failure (logged); the body says only "internal error"',
      type: ApiErrorDto,
    })
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), {
    jsonDocumentUrl: 'api/docs-json',
  });
  return app;
}
