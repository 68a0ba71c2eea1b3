/** What a database error means for the caller: bad input, a database that is away, or a bug. */
export type DbErrorClass = 'invalid-data' | 'unavailable' | 'other';

interface WithCode {
  code?: unknown;
  driverError?: { code?: unknown; message?: unknown };
  message?: unknown;
}

/** SQLSTATE of a pg or PGlite error, also when TypeORM wrapped it. */
export function sqlState(err: unknown): string | undefined {
  const e = err as WithCode | null;
  const code = e?.code ?? e?.driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

const UNAVAILABLE_STATES = /^(08|53|57P0[1-3]|57014)/;
const UNAVAILABLE_MESSAGES =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i;

export function classifyDbError(err: unknown): DbErrorClass {
  const state = sqlState(err);
  // Class 22 is "data exception": a value the column or type cannot hold.
  if (state?.startsWith('22')) return 'invalid-data';
  if (state && UNAVAILABLE_STATES.test(state)) return 'unavailable';
  const message = String((err as WithCode | null)?.message ?? '');
  return UNAVAILABLE_MESSAGES.test(message) ? 'unavailable' : 'other';
}
