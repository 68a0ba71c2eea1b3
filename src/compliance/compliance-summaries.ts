import type { EntityManager } from 'typeorm';
import { BUILT_IN_EXCLUDED_TITLES, DEFAULT_COMPLIANCE } from './compliance-settings';

/** Which devices to summarise again: some, one client's, or all. */
export type SummaryScope =
  { deviceIds: string[] } | { clientId: string } | { all: true } | { withoutSummary: true };

/**
 * A device's patch summary from its `device_patch` rows, with the exclusions in force for its
 * client (override, else default, else built-in; the built-in titles always apply). Set-based:
 * the same statement serves one device after an event and every device after a rule change.
 */
export async function summarise(m: EntityManager, scope: SummaryScope): Promise<void> {
  const [where, param] =
    'deviceIds' in scope
      ? ['d.id = ANY($3::uuid[])', scope.deviceIds]
      : 'clientId' in scope
        ? ['d.client_id = $3::uuid', scope.clientId]
        : 'all' in scope
          ? ['$3::text IS NULL', null]
          : [
              '$3::text IS NULL AND NOT EXISTS (SELECT 1 FROM device_patch_summary x WHERE x.device_id = d.id)',
              null,
            ];
  if ('deviceIds' in scope && scope.deviceIds.length === 0) return;
  await m.query(
    `INSERT INTO device_patch_summary AS s (device_id, missing, missing_critical, missing_important,
        oldest_missing_at, oldest_critical_at, failed, last_installed_at, last_report_at, updated_at)
     SELECT d.id,
            count(*) FILTER (WHERE x.missing),
            count(*) FILTER (WHERE x.missing AND p.severity = 'critical'),
            count(*) FILTER (WHERE x.missing AND p.severity = 'important'),
            min(p.missing_since) FILTER (WHERE x.missing),
            min(p.missing_since) FILTER (WHERE x.missing AND p.severity = 'critical'),
            count(*) FILTER (WHERE p.status = 'failed' AND NOT x.excluded),
            max(p.status_at) FILTER (WHERE p.status = 'installed'),
            max(p.status_at),
            now()
       FROM device d
       LEFT JOIN compliance_rule c ON c.scope = d.client_id::text
       LEFT JOIN compliance_rule g ON g.scope = 'default'
       LEFT JOIN device_patch p ON p.device_id = d.id
       LEFT JOIN LATERAL (
         SELECT e.excluded, (p.status IN ('pending', 'approved') AND NOT e.excluded) AS missing
           FROM (SELECT (
                   (p.category IS NOT NULL AND COALESCE(c.settings -> 'excludeCategories',
                      g.settings -> 'excludeCategories', $1::jsonb) @> jsonb_build_array(p.category))
                   OR EXISTS (
                     SELECT 1 FROM jsonb_array_elements_text($2::jsonb ||
                         COALESCE(c.settings -> 'excludeTitles', g.settings -> 'excludeTitles', '[]'::jsonb)) AS t(phrase)
                      WHERE p.title IS NOT NULL AND position(lower(t.phrase) IN lower(p.title)) > 0)
                 ) AS excluded) e
       ) x ON p.device_id IS NOT NULL
      WHERE ${where}
      GROUP BY d.id
     ON CONFLICT (device_id) DO UPDATE SET
       missing = EXCLUDED.missing,
       missing_critical = EXCLUDED.missing_critical,
       missing_important = EXCLUDED.missing_important,
       oldest_missing_at = EXCLUDED.oldest_missing_at,
       oldest_critical_at = EXCLUDED.oldest_critical_at,
       failed = EXCLUDED.failed,
       last_installed_at = EXCLUDED.last_installed_at,
       last_report_at = EXCLUDED.last_report_at,
       updated_at = EXCLUDED.updated_at
     -- An unchanged summary is not rewritten (a rule change or the daily pass touches every row).
     WHERE (s.missing, s.missing_critical, s.missing_important, s.oldest_missing_at,
            s.oldest_critical_at, s.failed, s.last_installed_at, s.last_report_at)
           IS DISTINCT FROM
           (EXCLUDED.missing, EXCLUDED.missing_critical, EXCLUDED.missing_important,
            EXCLUDED.oldest_missing_at, EXCLUDED.oldest_critical_at, EXCLUDED.failed,
            EXCLUDED.last_installed_at, EXCLUDED.last_report_at)`,
    [
      JSON.stringify(DEFAULT_COMPLIANCE.excludeCategories),
      JSON.stringify(BUILT_IN_EXCLUDED_TITLES),
      param,
    ],
  );
}
