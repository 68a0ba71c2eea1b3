/** Dates the model accepts anywhere: PostgreSQL holds more, but nothing real is outside this. */
export const EARLIEST_DATE = Date.UTC(1970, 0, 1);
export const LATEST_DATE = Date.UTC(9999, 11, 31, 23, 59, 59);
