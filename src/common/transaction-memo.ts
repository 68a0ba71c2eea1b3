import type { EntityManager } from 'typeorm';

/**
 * What one transaction already knows, so a batch of records does not ask the database the same
 * question again: a row it locked (held until the transaction ends), a client it resolved.
 * Only inside a transaction; a savepoint rolled back undoes rows and locks, so whoever rolls
 * one back calls `forgetTransactionMemos`.
 */
const memos = new WeakMap<EntityManager, Map<string, Map<string, unknown>>>();

export function transactionMemo<T>(m: EntityManager, namespace: string): Map<string, T> | null {
  if (!m.queryRunner?.isTransactionActive) return null;
  let spaces = memos.get(m);
  if (!spaces) memos.set(m, (spaces = new Map()));
  let memo = spaces.get(namespace);
  if (!memo) spaces.set(namespace, (memo = new Map()));
  return memo as Map<string, T>;
}

export function forgetTransactionMemos(m: EntityManager): void {
  memos.delete(m);
}
