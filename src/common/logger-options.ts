import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import { REDACTED_HEADERS, redactUrl } from './redact';

const QUIET = /^\/(health|ready|metrics)\b/;

/** Structured JSON logs; credentials in headers and query strings are never written. */
export function loggerOptions(level: string): Params {
  return {
    // Webhooks arrive by the thousand: per-request logging would cost more than storing them.
    // Their rejections are logged by the controller and all outcomes are counted in /metrics.
    exclude: [{ method: RequestMethod.POST, path: 'webhooks/*instanceId' }],
    pinoHttp: {
      level,
      redact: {
        paths: [
          ...REDACTED_HEADERS.map((h) => `req.headers["${h}"]`),
          '*.password',
          '*.secret',
          '*.clientSecret',
          '*.privateKey',
          '*.token',
        ],
        censor: '[REDACTED]',
      },
      serializers: {
        req: (req: { method: string; url: string; headers: Record<string, unknown> }) => ({
          method: req.method,
          url: redactUrl(req.url),
          headers: req.headers,
        }),
      },
      autoLogging: { ignore: (req: IncomingMessage) => QUIET.test(req.url ?? '') },
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) => {
        if (err || res.statusCode >= 500) return 'error';
        return res.statusCode >= 400 ? 'warn' : 'info';
      },
    },
  };
}
