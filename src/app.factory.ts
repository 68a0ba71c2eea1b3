import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions } from './app.module';

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

export async function createApp(options: AppModuleOptions): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(options), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.use('/webhooks', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }));
  app.use('/api', express.json({ limit: WEBHOOK_BODY_LIMIT }));
  app.use(bodyErrors);
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  const doc = new DocumentBuilder()
    .setTitle('Switchboard API')
    .setDescription(
      'Incidents, connectors, inventory and outbox. Every /api/v1 route needs Authorization: Bearer <token>.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), {
    jsonDocumentUrl: 'api/docs-json',
  });
  return app;
}
