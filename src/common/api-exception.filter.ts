import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { classifyDbError } from './db-errors';
import { redactUrl } from './redact';

export const RETRY_AFTER_SECONDS = 5;

/**
 * The last word on every error a route throws. HTTP errors pass as they are; a value the
 * database refuses is the caller's input (400); a database that is away is a 503 with
 * Retry-After; anything else is a bug: logged with its message and stack, answered 500
 * without details.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    if (res.headersSent) return;
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      if (exception.getStatus() === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      res
        .status(exception.getStatus())
        .json(
          typeof body === 'string' ? { statusCode: exception.getStatus(), message: body } : body,
        );
      return;
    }
    const where = { method: req.method, url: redactUrl(req.originalUrl ?? req.url) };
    const kind = classifyDbError(exception);
    const err = exception instanceof Error ? exception : new Error(String(exception));
    if (kind === 'invalid-data') {
      this.logger.warn(
        { ...where, error: err.message },
        'request refused: a value cannot be stored',
      );
      res.status(400).json({
        statusCode: 400,
        error: 'invalid',
        message: `a value in the request cannot be stored (${err.message.slice(0, 200)})`,
      });
      return;
    }
    if (kind === 'unavailable') {
      this.logger.error({ ...where, error: err.message }, 'database unavailable');
      res.status(503).setHeader('Retry-After', String(RETRY_AFTER_SECONDS)).json({
        statusCode: 503,
        error: 'unavailable',
        message: 'the database is unavailable; retry later',
      });
      return;
    }
    this.logger.error({ ...where, error: err.message, stack: err.stack }, 'request failed');
    res.status(500).json({ statusCode: 500, error: 'internal', message: 'internal error' });
  }
}
