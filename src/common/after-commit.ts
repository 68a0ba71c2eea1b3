import type { DataSource, EntityManager } from 'typeorm';

/**
 * Work that must only happen once a transaction's decisions are durable: the log line that
 * says "incident opened" is true only after the commit. Transactions opened with
 * `committedTransaction` run their callbacks after COMMIT and drop them on rollback; a
 * savepoint rolled back drops what was queued since its mark.
 */
const queued = new WeakMap<EntityManager, (() => void)[]>();

export function afterCommit(m: EntityManager, fn: () => void): void {
  const list = queued.get(m);
  // Not a tracked transaction (a one-off write elsewhere): nothing to wait for here.
  if (list) list.push(fn);
  else fn();
}

export function afterCommitMark(m: EntityManager): number {
  return queued.get(m)?.length ?? 0;
}

export function afterCommitRewind(m: EntityManager, mark: number): void {
  queued.get(m)?.splice(mark);
}

export async function committedTransaction<T>(
  ds: DataSource,
  work: (m: EntityManager) => Promise<T>,
): Promise<T> {
  let callbacks: (() => void)[] = [];
  const result = await ds.transaction(async (m) => {
    callbacks = [];
    queued.set(m, callbacks);
    try {
      return await work(m);
    } finally {
      queued.delete(m);
    }
  });
  for (const fn of callbacks) fn();
  return result;
}

/**
 * When the inbox record being decided on arrived, so a decision can say how long after the
 * webhook (or poll) it came: set by the normalizer for each record, read by whoever decides.
 */
const arrivals = new WeakMap<EntityManager, Date>();

export function setArrival(m: EntityManager, at: Date): void {
  arrivals.set(m, at);
}

export function arrivalOf(m: EntityManager): Date | undefined {
  return arrivals.get(m);
}
