import { applyDecorators, BadRequestException, NotFoundException } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ApiErrorDto } from './dto/api-error.dto';

export const notFound = (what: string, id: string) =>
  new NotFoundException(`${what} ${id} not found`);
export const badRequest = (message: string) => new BadRequestException(message);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: string) => UUID.test(v);

/** The error answers the API document describes, each with what it means in general. */
const ERROR_MEANINGS = {
  400: 'A path, query or body value is invalid; the message names each one',
  401: 'No bearer token, or an unknown or revoked one',
  403: "The token's role is too low for this route, or a client-scoped token on a route for the whole installation",
  404: 'Not found, or not visible to a client-scoped token',
  409: 'Conflicts with the current state; the message says which',
  413: 'The body is larger than 1 MiB',
  415: 'A body that is not application/json',
  503: 'The database is unavailable: nothing was done; retry after Retry-After seconds',
} as const;

export type ErrorStatus = keyof typeof ERROR_MEANINGS;

export const RETRY_AFTER_HEADER = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
};

/**
 * Documents error answers with the shared error body: a status alone takes its general
 * meaning, `[status, text]` says what it means on this route.
 */
export const ApiErrors = (...entries: (ErrorStatus | [ErrorStatus, string])[]) =>
  applyDecorators(
    ...entries.map((entry) => {
      const [status, description] =
        typeof entry === 'number' ? [entry, ERROR_MEANINGS[entry]] : entry;
      return ApiResponse({
        status,
        description,
        type: ApiErrorDto,
        ...(status === 503 ? { headers: RETRY_AFTER_HEADER } : {}),
      });
    }),
  );
