import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { EARLIEST_DATE, LATEST_DATE } from './date-range';

const WHOLE = /^\d{1,9}$/;

/**
 * A whole number from a query parameter: digits only, at most 999,999,999, so nothing larger
 * than the database's integers reaches a query. Absent means `fallback`.
 */
export class WholeNumberPipe implements PipeTransform<unknown, number> {
  constructor(
    private readonly name: string,
    private readonly fallback: number,
  ) {}

  transform(value: unknown): number {
    if (value === undefined || value === '') return this.fallback;
    if (typeof value !== 'string' || !WHOLE.test(value))
      throw new BadRequestException(`${this.name}: must be a whole number from 0 to 999999999`);
    return Number(value);
  }
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** An ISO-8601 date or date-time (with a zone) from a query parameter; absent is undefined. */
export class IsoDatePipe implements PipeTransform<unknown, Date | undefined> {
  constructor(private readonly name: string) {}

  transform(value: unknown): Date | undefined {
    if (value === undefined || value === '') return undefined;
    const ms = typeof value === 'string' && ISO_DATE_TIME.test(value) ? Date.parse(value) : NaN;
    if (Number.isNaN(ms) || ms < EARLIEST_DATE || ms > LATEST_DATE)
      throw new BadRequestException(
        `${this.name}: must be an ISO-8601 date-time with a zone, between 1970 and 9999`,
      );
    return new Date(ms);
  }
}
