import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Incident } from '../../incidents/entities/incident.entity';
import type { IncidentDetails } from '../../incidents/incident-details';
import type { Device } from '../../inventory/entities/device.entity';
import type { HealthEvent } from '../../inventory/entities/health-event.entity';
import { newIncidentKey } from '../../incidents/incident-store';
import { IncidentLifecycle } from '../../incidents/incident-lifecycle.service';
import { assessOutage, type Change } from '../rules/post-patch-outage.rule';
import type { RuleSettings } from '../rules/rule-settings';
import { PatchWaveUseCase } from './patch-wave.usecase';

const DOWN_TEXT: Record<string, string> = {
  'device.down': 'is down',
  'service.down': 'has a service down',
  'check.failed': 'failed a check',
};

export async function recentChanges(
  m: EntityManager,
  deviceId: string,
  until: Date,
  hours: number,
): Promise<(Change & { rebootRequired: boolean | null })[]> {
  const rows: {
    id: string;
    patch_id: string | null;
    title: string | null;
    status: string;
    occurred_at: Date;
    reboot_required: boolean | null;
  }[] = await m.query(
    `SELECT id, patch_id, title, status, occurred_at, reboot_required FROM patch_event
      WHERE device_id = $1 AND occurred_at BETWEEN $2 AND $3 ORDER BY occurred_at DESC LIMIT 50`,
    [deviceId, new Date(until.getTime() - hours * 3_600_000), until],
  );
  return rows.map((r) => ({
    id: String(r.id),
    kind: r.status === 'rebooted' ? 'reboot' : 'patch',
    patchId: r.patch_id,
    title: r.title,
    status: r.status,
    occurredAt: new Date(r.occurred_at),
    rebootRequired: r.reboot_required,
  }));
}

/** Other devices a patch hurt lately: their incidents name it first, or its install failed there. */
async function hurtElsewhere(
  m: EntityManager,
  deviceId: string,
  patchIds: string[],
  since: Date,
): Promise<Record<string, number>> {
  if (patchIds.length === 0) return {};
  const rows: { patch_id: string; n: string }[] = await m.query(
    `SELECT patch_id, count(DISTINCT device_id) AS n FROM (
       SELECT s.patch_id, i.device_id FROM incident_suspect s JOIN incident i ON i.id = s.incident_id
        WHERE s.patch_id = ANY($1) AND s.rank = 1 AND i.opened_at >= $2 AND i.device_id <> $3
       UNION
       SELECT patch_id, device_id FROM patch_event WHERE patch_id = ANY($1) AND status = 'failed' AND occurred_at >= $2 AND device_id <> $3
     ) hurt GROUP BY patch_id`,
    [patchIds, since, deviceId],
  );
  return Object.fromEntries(rows.map((r) => [r.patch_id, Number(r.n)]));
}

/** Opens the incident for an outage on a device, with its suspects, evidence and messages. */
@Injectable()
export class OpenIncidentUseCase {
  constructor(
    private readonly lifecycle: IncidentLifecycle,
    private readonly wave: PatchWaveUseCase,
  ) {}

  async run(
    m: EntityManager,
    device: Device,
    event: HealthEvent,
    rules: RuleSettings,
    extra: {
      override: Record<string, unknown> | null;
      suppressedReason?: string;
      evidence?: string[];
    },
  ): Promise<Incident> {
    const at = new Date(event.occurredAt);
    const changes = await recentChanges(m, device.id, at, rules.windowHours);
    const patchIds = [
      ...new Set(changes.map((c) => c.patchId).filter((p): p is string => Boolean(p))),
    ];
    const elsewhere = await hurtElsewhere(
      m,
      device.id,
      patchIds,
      new Date(at.getTime() - rules.waveHours * 3_600_000),
    );
    const blocked: { patch_id: string }[] =
      device.clientId && patchIds.length > 0
        ? await m.query(
            `SELECT patch_id FROM blocked_patch WHERE client_id = $1 AND patch_id = ANY($2::text[])`,
            [device.clientId, patchIds.map((p) => p.toUpperCase())],
          )
        : [];
    const assessment = assessOutage(
      {
        at,
        kind: event.kind,
        subject: event.subject,
        changes,
        hurtElsewhere: elsewhere,
        blocked: blocked.map((b) => b.patch_id),
      },
      rules,
    );
    const d: IncidentDetails = {
      failed: event.subject ? [event.subject] : [],
      recovered: [],
      deviceDown: event.kind === 'device.down',
      evidence: [...assessment.evidence, ...(extra.evidence ?? [])],
      outageSince: at.toISOString(),
      rule: {
        name: 'post-patch-outage',
        settings: {
          windowHours: rules.windowHours,
          waveHours: rules.waveHours,
          override: extra.override,
        },
      },
      verification:
        event.kind === 'check.failed' || event.origin === 'verification'
          ? [
              {
                subject: event.subject ?? 'check',
                what: event.kind === 'check.failed' ? 'check' : 'service',
                result: 'failed',
                at: at.toISOString(),
                source: event.instanceId,
              },
            ]
          : [],
      ...(extra.suppressedReason ? { suppressedReason: extra.suppressedReason } : {}),
    };
    const top = assessment.suspects[0]?.change;
    const alert = event.problemId
      ? { instanceId: event.instanceId, problemId: event.problemId }
      : undefined;
    const title = `${device.displayName} ${DOWN_TEXT[event.kind] ?? 'has a problem'}${event.subject ? ` (${event.subject})` : ''}${top?.patchId ? ` after ${top.patchId}` : ''}`;
    const { incident, decision } = await this.lifecycle.open(m, {
      incident: {
        key: newIncidentKey(),
        parentId: null,
        clientId: device.clientId,
        deviceId: device.id,
        state: 'open',
        cause: assessment.cause,
        title,
        confidence: assessment.confidence,
        details: d,
        openedAt: at,
        resolvedAt: null,
        suppressed: Boolean(extra.suppressedReason),
      },
      suspects: assessment.suspects.map((s) => ({
        patchEventId: s.change.id,
        kind: s.change.kind,
        patchId: s.change.patchId,
        title: s.change.title,
        occurredAt: s.change.occurredAt,
        rank: s.rank,
        score: s.score,
        reasons: s.reasons,
        status: 'suspected' as const,
      })),
      alert,
      timeline: {
        text: `Opened: ${title}. Cause ${assessment.cause}, confidence ${Math.round(assessment.confidence * 100)}%.`,
        data: {
          rule: 'post-patch-outage',
          healthEventId: event.id,
          suspects: assessment.suspects.map((s) => ({ patchEventId: s.change.id, score: s.score })),
          evidence: d.evidence,
        },
      },
      suppressedReason: extra.suppressedReason,
    });
    const grouped =
      top?.patchId && top.kind === 'patch'
        ? await this.wave.run(m, incident, top.patchId, rules)
        : incident;
    await this.lifecycle.announceOpened(m, grouped, decision, alert ? [alert] : []);
    return grouped;
  }
}
