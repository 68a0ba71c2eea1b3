import type { EntityManager } from 'typeorm';
import type { PatchEvent } from './entities/patch-event.entity';

/**
 * Each device's latest word on each patch, kept as patch events arrive (a late delivery of an
 * older status never overwrites a newer one, though an older "missing" can date it earlier):
 * what compliance reads instead of the history.
 * `missing_since` is when the patch was first reported missing (pending or approved) and stays
 * while it is still missing, however often the RMM reports it again.
 */
export async function notePatchState(m: EntityManager, e: PatchEvent): Promise<void> {
  if (!e.patchId || e.status === 'rebooted') return;
  await m.query(
    `INSERT INTO device_patch AS p
       (device_id, patch_key, patch_id, title, severity, category, status, status_at, missing_since)
     VALUES ($1, upper($2), $2, $3, $4, $5, $6, $7,
             CASE WHEN $6 IN ('pending', 'approved') THEN $7::timestamptz END)
     ON CONFLICT (device_id, patch_key) DO UPDATE SET
       status = CASE WHEN p.status_at <= EXCLUDED.status_at THEN EXCLUDED.status ELSE p.status END,
       status_at = GREATEST(p.status_at, EXCLUDED.status_at),
       title = COALESCE(EXCLUDED.title, p.title),
       severity = COALESCE(EXCLUDED.severity, p.severity),
       category = COALESCE(EXCLUDED.category, p.category),
       missing_since = CASE
         -- Newer news: still missing keeps its first day; anything else ends it.
         WHEN p.status_at <= EXCLUDED.status_at THEN
           CASE WHEN EXCLUDED.status IN ('pending', 'approved')
                THEN COALESCE(p.missing_since, EXCLUDED.status_at) END
         -- An older report that it was missing, delivered late, moves the first day back.
         WHEN p.missing_since IS NOT NULL AND EXCLUDED.status IN ('pending', 'approved')
           THEN LEAST(p.missing_since, EXCLUDED.status_at)
         ELSE p.missing_since END`,
    [e.deviceId, e.patchId, e.title, e.severity, e.category, e.status, e.occurredAt],
  );
}
