import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import { notFound } from '../common/api-errors';
import { CLIENT_SORTS, DEVICE_SORTS, type ClientQuery, type DeviceQuery } from './compliance-query';
import { LEVEL_NAME, LEVEL_OF, SCORED_DEVICES } from './compliance-risk-sql';
import {
  BUILT_IN_EXCLUDED_TITLES,
  complianceProblems,
  effectiveCompliance,
  RISK_LEVELS,
  type ComplianceSettings,
  type RiskLevel,
} from './compliance-settings';
import { summarise } from './compliance-summaries';

type Row = Record<string, unknown>;

const like = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`;
const num = (v: unknown) => Number(v ?? 0);
const date = (v: unknown) => (v ? new Date(v as string) : null);
const riskName = (level: unknown) => RISK_LEVELS[4 - num(level)];

/**
 * Patch compliance per client and per device: read from the kept summaries and the device's
 * state, risk decided by the rule at the time of asking, every answer limited to the client a
 * scoped token belongs to.
 */
@Injectable()
export class ComplianceService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Every client this person sees, or only `onlyClientId` (a client page's summary). */
  async clients(who: Principal, q: ClientQuery, onlyClientId: string | null = null) {
    if (onlyClientId) await this.client(who, onlyClientId);
    const rows: Row[] = await this.ds.query(
      `WITH ${SCORED_DEVICES},
       per_client AS (
         SELECT client_id, count(*) AS devices, max(level) AS level,
                count(*) FILTER (WHERE level = 4) AS critical, count(*) FILTER (WHERE level = 3) AS high,
                count(*) FILTER (WHERE level = 2) AS medium, count(*) FILTER (WHERE level = 1) AS low,
                count(*) FILTER (WHERE level = 0) AS compliant,
                count(*) FILTER (WHERE missing > 0) AS with_missing,
                count(*) FILTER (WHERE failed > 0) AS with_failed,
                count(*) FILTER (WHERE reboot_pending) AS with_reboot,
                sum(missing) AS missing_patches
           FROM scored GROUP BY client_id),
       rows AS (
         SELECT c.id, c.name, COALESCE(p.devices, 0) AS devices, COALESCE(p.level, 0) AS level,
                COALESCE(p.critical, 0) AS critical, COALESCE(p.high, 0) AS high,
                COALESCE(p.medium, 0) AS medium, COALESCE(p.low, 0) AS low,
                COALESCE(p.compliant, 0) AS compliant,
                COALESCE(p.with_missing, 0) AS with_missing, COALESCE(p.with_failed, 0) AS with_failed,
                COALESCE(p.with_reboot, 0) AS with_reboot,
                COALESCE(p.missing_patches, 0) AS missing_patches,
                COALESCE(p.devices, 0) - COALESCE(p.compliant, 0) AS noncompliant,
                CASE WHEN COALESCE(p.devices, 0) = 0 THEN 100
                     ELSE floor(100.0 * p.compliant / p.devices) END AS compliant_percent
           FROM client c LEFT JOIN per_client p ON p.client_id = c.id
          WHERE (CAST($1 AS uuid) IS NULL OR c.id = $1)
            AND (CAST($2 AS text) IS NULL OR c.name ILIKE $2)
            AND (cardinality(CAST($3 AS int[])) = 0 OR COALESCE(p.level, 0) = ANY($3)))
       SELECT r.*, count(*) OVER () AS total,
              sum(devices) OVER () AS all_devices, sum(critical) OVER () AS all_critical,
              sum(high) OVER () AS all_high, sum(medium) OVER () AS all_medium,
              sum(low) OVER () AS all_low, sum(compliant) OVER () AS all_compliant
         FROM rows r
        ORDER BY ${CLIENT_SORTS[q.sort]} ${q.order} NULLS LAST, lower(name), id
        LIMIT $4 OFFSET $5`,
      [
        onlyClientId ?? who.clientId,
        q.q ? like(q.q) : null,
        q.risk.map((r) => LEVEL_OF[r]),
        q.limit,
        q.offset,
      ],
    );
    const first = rows[0];
    return {
      total: num(first?.total),
      limit: q.limit,
      offset: q.offset,
      totals: {
        devices: num(first?.all_devices),
        byRisk: Object.fromEntries(RISK_LEVELS.map((r) => [r, num(first?.[`all_${r}`])])),
      },
      items: rows.map((r) => ({
        clientId: r.id as string,
        name: r.name as string,
        risk: riskName(r.level),
        devices: num(r.devices),
        compliantPercent: num(r.compliant_percent),
        byRisk: Object.fromEntries(RISK_LEVELS.map((level) => [level, num(r[level])])) as Record<
          RiskLevel,
          number
        >,
        byStatus: {
          missing: num(r.with_missing),
          failed: num(r.with_failed),
          rebootPending: num(r.with_reboot),
        },
        missingPatches: num(r.missing_patches),
      })),
    };
  }

  async devices(who: Principal, clientId: string, q: DeviceQuery, everyRow = false) {
    const client = await this.client(who, clientId);
    const rows: Row[] = await this.ds.query(
      `WITH ${SCORED_DEVICES},
       rows AS (
         SELECT * FROM scored
          WHERE (cardinality(CAST($2 AS int[])) = 0 OR level = ANY($2))
            AND (CAST($3 AS text) IS NULL OR os ILIKE $3)
            AND (CAST($4 AS text) IS NULL OR display_name ILIKE $4 OR hostname_key ILIKE $4 OR ip = $5)
            AND (cardinality(CAST($6 AS text[])) = 0
                 OR (missing > 0 AND 'missing' = ANY($6))
                 OR (failed > 0 AND 'failed' = ANY($6))
                 OR (reboot_pending AND 'reboot-pending' = ANY($6))
                 OR (level = 0 AND 'compliant' = ANY($6))))
       SELECT r.*, ${LEVEL_NAME} AS risk, count(*) OVER () AS total FROM rows r
        ORDER BY ${DEVICE_SORTS[q.sort]} ${q.order} NULLS LAST, lower(display_name), id
        LIMIT $7 OFFSET $8`,
      [
        clientId,
        q.risk.map((r) => LEVEL_OF[r]),
        q.os ? like(q.os) : null,
        q.q ? like(q.q) : null,
        q.q ?? null,
        q.status,
        everyRow ? null : q.limit,
        everyRow ? 0 : q.offset,
      ],
    );
    const extras = await this.extras(rows.map((r) => r.id as string));
    return {
      client,
      rule: await this.effective(clientId),
      total: num(rows[0]?.total),
      limit: everyRow ? rows.length : q.limit,
      offset: everyRow ? 0 : q.offset,
      items: rows.map((r) => this.deviceItem(r, extras)),
    };
  }

  /** One device: its row, and the patches it misses or failed, with severity and age. */
  async device(who: Principal, deviceId: string) {
    const [found] = (await this.ds.query(`SELECT client_id FROM device WHERE id = $1`, [
      deviceId,
    ])) as { client_id: string | null }[];
    if (!found || !found.client_id || (who.clientId && who.clientId !== found.client_id))
      throw notFound('device', deviceId);
    const rows: Row[] = await this.ds.query(
      `WITH ${SCORED_DEVICES} SELECT s.*, ${LEVEL_NAME} AS risk FROM scored s WHERE id = $2`,
      [found.client_id, deviceId],
    );
    const rule = await this.effective(found.client_id);
    const patches: Row[] = await this.ds.query(
      `SELECT patch_id, title, severity, category, status, status_at, missing_since
         FROM device_patch WHERE device_id = $1 AND status IN ('pending', 'approved', 'failed')
        ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'important' THEN 1
                 WHEN 'moderate' THEN 2 WHEN 'low' THEN 3 ELSE 4 END,
                 COALESCE(missing_since, status_at)`,
      [deviceId],
    );
    const extras = await this.extras([deviceId]);
    const now = Date.now();
    return {
      ...this.deviceItem(rows[0], extras),
      rule,
      patches: patches.map((p) => {
        const since = date(p.missing_since) ?? date(p.status_at)!;
        return {
          patchId: p.patch_id as string,
          title: (p.title as string | null) ?? null,
          severity: (p.severity as string | null) ?? null,
          category: (p.category as string | null) ?? null,
          status: p.status as string,
          since,
          ageDays: Math.floor((now - since.getTime()) / 86_400_000),
          excluded: excludedBy(rule.settings, p),
        };
      }),
    };
  }

  async rules(who: Principal) {
    const rows: Row[] = await this.ds.query(
      `SELECT r.scope, r.settings, r.updated_by, r.updated_at, c.name
         FROM compliance_rule r LEFT JOIN client c ON c.id::text = r.scope
        ORDER BY r.scope = 'default' DESC, c.name`,
    );
    const defaults = rows.find((r) => r.scope === 'default');
    const base = (defaults?.settings as Partial<ComplianceSettings> | undefined) ?? null;
    const clients = rows
      .filter((r) => r.scope !== 'default' && (!who.clientId || r.scope === who.clientId))
      .map((r) => ({
        clientId: r.scope as string,
        name: (r.name as string | null) ?? null,
        override: r.settings as Partial<ComplianceSettings>,
        effective: effectiveCompliance(base, r.settings as Partial<ComplianceSettings>),
        updatedBy: r.updated_by as string,
        updatedAt: date(r.updated_at),
      }));
    return {
      builtInExcludedTitles: [...BUILT_IN_EXCLUDED_TITLES],
      default: effectiveCompliance(base, null),
      clients,
    };
  }

  /** The rule for one client: effective settings and where they come from. */
  async effective(clientId: string) {
    const rows: Row[] = await this.ds.query(
      `SELECT scope, settings FROM compliance_rule WHERE scope IN ('default', $1)`,
      [clientId],
    );
    const base = rows.find((r) => r.scope === 'default')?.settings ?? null;
    const override = rows.find((r) => r.scope === clientId)?.settings ?? null;
    return {
      source: override ? 'client' : base ? 'default' : 'built-in',
      settings: effectiveCompliance(
        base as Partial<ComplianceSettings> | null,
        override as Partial<ComplianceSettings> | null,
      ),
      builtInExcludedTitles: [...BUILT_IN_EXCLUDED_TITLES],
    };
  }

  async setRules(who: Principal, clientId: string | null, body: unknown) {
    if (clientId) await this.client(who, clientId);
    const problems = complianceProblems(body);
    if (problems.length > 0) throw new BadRequestException(problems.join('; '));
    const scope = clientId ?? 'default';
    await this.ds.transaction(async (m) => {
      await m.query(
        `INSERT INTO compliance_rule (scope, settings, updated_by, updated_at)
         VALUES ($1, $2, $3, now())
         ON CONFLICT (scope) DO UPDATE SET settings = EXCLUDED.settings,
           updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [scope, JSON.stringify(body), who.name],
      );
      // Exclusions may have changed: the kept summaries follow at once.
      await summarise(m, clientId ? { clientId } : { all: true });
      await this.audit.record(
        who,
        {
          action: 'compliance.rules',
          targetType: clientId ? 'client' : 'installation',
          targetId: clientId ?? 'default',
          detail: { settings: body },
        },
        m,
      );
    });
    return clientId ? this.effective(clientId) : this.rules(who);
  }

  async clearClientRules(who: Principal, clientId: string) {
    await this.client(who, clientId);
    await this.ds.transaction(async (m) => {
      await m.query(`DELETE FROM compliance_rule WHERE scope = $1`, [clientId]);
      await summarise(m, { clientId });
      await this.audit.record(
        who,
        { action: 'compliance.rules.reset', targetType: 'client', targetId: clientId },
        m,
      );
    });
  }

  /** The last `days` daily snapshots, summed over the clients this person sees. */
  async trend(who: Principal, clientId: string | null, days = 30) {
    if (clientId) await this.client(who, clientId);
    const scope = clientId ?? who.clientId;
    const rows: Row[] = await this.ds.query(
      `SELECT day::text AS day, sum(devices) AS devices,
              ${RISK_LEVELS.map((r) => `sum((by_risk ->> '${r}')::int) AS ${r}`).join(', ')}
         FROM compliance_snapshot
        WHERE day > (now() AT TIME ZONE 'UTC')::date - $1::int
          AND (CAST($2 AS uuid) IS NULL OR client_id = $2)
        GROUP BY day ORDER BY day`,
      [days, scope],
    );
    return rows.map((r) => {
      const devices = num(r.devices);
      return {
        day: r.day as string,
        devices,
        compliantPercent: devices === 0 ? 100 : Math.floor((100 * num(r.compliant)) / devices),
        byRisk: Object.fromEntries(RISK_LEVELS.map((level) => [level, num(r[level])])),
      };
    });
  }

  private async client(who: Principal, clientId: string) {
    if (who.clientId && who.clientId !== clientId) throw notFound('client', clientId);
    const [row] = (await this.ds.query(`SELECT id, name FROM client WHERE id = $1`, [
      clientId,
    ])) as { id: string; name: string }[];
    if (!row) throw notFound('client', clientId);
    return row;
  }

  /** Open incidents and blocked KBs of the devices on the page. */
  private async extras(ids: string[]) {
    const incidents = new Map<string, number>();
    const blocked = new Map<string, string[]>();
    if (ids.length === 0) return { incidents, blocked };
    const [open, kbs] = await Promise.all([
      this.ds.query(
        `SELECT device_id, count(*) AS n FROM incident
          WHERE device_id = ANY($1) AND state <> 'resolved' GROUP BY device_id`,
        [ids],
      ) as Promise<Row[]>,
      this.ds.query(
        `SELECT d.id, array_agg(DISTINCT b.patch_id ORDER BY b.patch_id) AS kbs
           FROM device d JOIN blocked_patch b ON b.client_id = d.client_id
          WHERE d.id = ANY($1)
            AND (b.device_id = d.id OR EXISTS (SELECT 1 FROM device_patch p
                  WHERE p.device_id = d.id AND p.patch_key = upper(b.patch_id)))
          GROUP BY d.id`,
        [ids],
      ) as Promise<Row[]>,
    ]);
    for (const r of open) incidents.set(r.device_id as string, num(r.n));
    for (const r of kbs) blocked.set(r.id as string, r.kbs as string[]);
    return { incidents, blocked };
  }

  private deviceItem(
    r: Row,
    extras: { incidents: Map<string, number>; blocked: Map<string, string[]> },
  ) {
    const id = r.id as string;
    const statuses = [
      ...(num(r.missing) > 0 ? ['missing'] : []),
      ...(num(r.failed) > 0 ? ['failed'] : []),
      ...(r.reboot_pending ? ['reboot-pending'] : []),
      ...(num(r.level) === 0 ? ['compliant'] : []),
    ];
    return {
      deviceId: id,
      clientId: r.client_id as string,
      name: r.display_name as string,
      os: (r.os as string | null) ?? null,
      role: (r.role as string | null) ?? null,
      server: Boolean(r.server),
      risk: r.risk as RiskLevel,
      statuses,
      missing: {
        total: num(r.missing),
        critical: num(r.missing_critical),
        important: num(r.missing_important),
        oldestSince: date(r.oldest_missing_at),
        oldestCriticalSince: date(r.oldest_critical_at),
      },
      failed: num(r.failed),
      rebootPending: r.reboot_pending ? { since: date(r.reboot_pending_at) } : null,
      lastInstalledAt: date(r.last_installed_at),
      lastSeenAt: date(r.last_seen_at),
      online: (r.online as boolean | null) ?? null,
      blockedPatches: extras.blocked.get(id) ?? [],
      openIncidents: extras.incidents.get(id) ?? 0,
    };
  }
}

/** Why a patch does not count (a category or a title phrase), or null when it counts. */
function excludedBy(settings: ComplianceSettings, p: Row): string | null {
  const category = p.category as string | null;
  if (category && settings.excludeCategories.includes(category))
    return `category ${category} is excluded`;
  const title = ((p.title as string | null) ?? '').toLowerCase();
  const phrase = [...BUILT_IN_EXCLUDED_TITLES, ...settings.excludeTitles].find(
    (t) => title && title.includes(t.toLowerCase()),
  );
  return phrase ? `title contains "${phrase}"` : null;
}
