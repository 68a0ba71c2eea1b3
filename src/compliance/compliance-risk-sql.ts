import { DEFAULT_COMPLIANCE } from './compliance-settings';

/**
 * One row per device with everything the risk rule reads and the rule's verdict, as SQL: risk
 * depends on the time of asking (a patch missing 13 days is fine today, not tomorrow), so it is
 * decided when read, from the kept summaries, never by reading patch history.
 *
 * The rule (README "Patch compliance"): a failed install or a critical patch missing longer
 * than criticalDays is high; a critical or important patch missing, or a reboot pending longer
 * than rebootDays, is medium; anything else missing or a reboot pending is low; nothing is
 * compliant. With serversFirst, a server's level is one higher (a server can be critical).
 */
export const SCORED_DEVICES = `
  scored_rule AS MATERIALIZED (
    -- The rule decided once per client, not once per device (MATERIALIZED: inlined, the
    -- planner would evaluate it per device again).
    SELECT c.id AS client_id,
           now() - make_interval(days => COALESCE((r.settings ->> 'criticalDays')::int,
             (g.settings ->> 'criticalDays')::int, ${DEFAULT_COMPLIANCE.criticalDays})) AS critical_before,
           now() - make_interval(days => COALESCE((r.settings ->> 'rebootDays')::int,
             (g.settings ->> 'rebootDays')::int, ${DEFAULT_COMPLIANCE.rebootDays})) AS reboot_before,
           COALESCE((r.settings ->> 'serversFirst')::boolean, (g.settings ->> 'serversFirst')::boolean,
             ${DEFAULT_COMPLIANCE.serversFirst}) AS servers_first
      FROM client c
      LEFT JOIN compliance_rule r ON r.scope = c.id::text
      LEFT JOIN compliance_rule g ON g.scope = 'default'
     WHERE CAST($1 AS uuid) IS NULL OR c.id = $1
  ),
  scored_base AS (
    SELECT d.id, d.client_id, d.display_name, d.hostname_key, d.ip, d.os, d.role, d.online,
           d.online_at, d.last_boot_at,
           COALESCE(s.missing, 0) AS missing,
           COALESCE(s.missing_critical, 0) AS missing_critical,
           COALESCE(s.missing_important, 0) AS missing_important,
           s.oldest_missing_at, s.oldest_critical_at,
           COALESCE(s.failed, 0) AS failed,
           s.last_installed_at,
           -- When a tool last reported the device (its links), or the RMM last saw it online.
           GREATEST(d.online_at, (SELECT max(l.last_seen_at) FROM device_link l
                                   WHERE l.device_id = d.id)) AS last_seen_at,
           (d.reboot_pending IS TRUE AND (d.last_boot_at IS NULL OR d.reboot_pending_at IS NULL
              OR d.last_boot_at <= d.reboot_pending_at)) AS reboot_pending,
           d.reboot_pending_at,
           (COALESCE(d.role, '') || ' ' || COALESCE(d.os, '')) ILIKE '%server%' AS server,
           r.critical_before, r.reboot_before, r.servers_first
      FROM device d
      JOIN scored_rule r ON r.client_id = d.client_id
      LEFT JOIN device_patch_summary s ON s.device_id = d.id
  ),
  scored_level AS (
    SELECT b.*,
           CASE
             WHEN b.failed > 0 OR b.oldest_critical_at < b.critical_before THEN 3
             WHEN b.missing_critical + b.missing_important > 0
               OR (b.reboot_pending AND b.reboot_pending_at < b.reboot_before) THEN 2
             WHEN b.missing > 0 OR b.reboot_pending THEN 1
             ELSE 0
           END AS base_level
      FROM scored_base b
  ),
  scored AS (
    SELECT l.*,
           CASE WHEN l.base_level > 0 AND l.server AND l.servers_first THEN l.base_level + 1
                ELSE l.base_level END AS level
      FROM scored_level l
  )`;

/** The level number (4 critical … 0 compliant) as its name. */
export const LEVEL_NAME = `(CASE level WHEN 4 THEN 'critical' WHEN 3 THEN 'high' WHEN 2 THEN 'medium'
  WHEN 1 THEN 'low' ELSE 'compliant' END)`;

export const LEVEL_OF: Record<string, number> = {
  critical: 4,
  high: 3,
  medium: 2,
  low: 1,
  compliant: 0,
};
