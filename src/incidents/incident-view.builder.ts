import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import type { IncidentSuspect } from './entities/incident-suspect.entity';
import type { Incident } from './entities/incident.entity';
import { details } from './incident-details';
import type { IncidentView } from '../rendering/incident-view';
import { verificationFindings } from '../rendering/verification-findings';

const CAUSE_LABEL: Record<string, string> = {
  'post-patch-reboot': 'Post-Patch Reboot',
  'post-patch': 'Post-Patch',
  'post-reboot': 'Reboot',
  unknown: 'Unknown',
  'patch-wave': 'Patch Wave',
};

interface SuspectRow {
  kind: IncidentSuspect['kind'];
  patchId: string | null;
  title: string | null;
  occurredAt: string;
  status: IncidentSuspect['status'];
  reasons: string[];
}

interface RelatedRow {
  client_name: string | null;
  device_name: string | null;
  parent_details: object | null;
  suspects: SuspectRow[];
  timeline: { at: string; text: string }[];
  instance_names: Record<string, string>;
}

interface Related {
  client: { name: string } | null;
  device: { name: string } | null;
  parent: { details: object } | null;
  suspects: SuspectRow[];
  timeline: { at: string; text: string }[];
  /** Connector instances that reported a verification, by id: the texts name the tool. */
  instanceNames: Record<string, string>;
}

/** The view model templates get: canonical data only, prepared from the stored incident. */
@Injectable()
export class IncidentViewBuilder {
  constructor(private readonly config: AppConfig) {}

  /**
   * Everything the view needs besides the incident, in one statement: the engine runs inside
   * the event's transaction, where every round trip adds to the time to a decision.
   */
  private async related(m: EntityManager, incident: Incident): Promise<Related> {
    const [row]: RelatedRow[] = await m.query(
      `SELECT
         (SELECT name FROM client WHERE id = $2) AS client_name,
         (SELECT display_name FROM device WHERE id = $3) AS device_name,
         (SELECT details FROM incident WHERE id = $4) AS parent_details,
         COALESCE((SELECT json_agg(json_build_object('kind', kind, 'patchId', patch_id,
             'title', title, 'occurredAt', occurred_at, 'status', status, 'reasons', reasons)
             ORDER BY rank) FROM incident_suspect WHERE incident_id = $1), '[]') AS suspects,
         COALESCE((SELECT json_agg(json_build_object('at', at, 'text', text) ORDER BY id)
             FROM incident_timeline WHERE incident_id = $1), '[]') AS timeline,
         COALESCE((SELECT json_object_agg(id, name) FROM connector_instance
             WHERE id::text = ANY($5::text[])), '{}') AS instance_names`,
      [
        incident.id,
        incident.clientId,
        incident.deviceId,
        incident.parentId,
        details(incident.details).verification.map((v) => v.source),
      ],
    );
    return {
      client: row.client_name === null ? null : { name: row.client_name },
      device: row.device_name === null ? null : { name: row.device_name },
      parent: row.parent_details === null ? null : { details: row.parent_details },
      suspects: row.suspects,
      timeline: row.timeline,
      instanceNames: row.instance_names,
    };
  }

  async build(m: EntityManager, incident: Incident, change?: string): Promise<IncidentView> {
    const d = details(incident.details);
    const { client, device, parent, suspects, timeline, instanceNames } = await this.related(
      m,
      incident,
    );
    const live = suspects.filter((s) => s.status !== 'rejected');
    const confirmed = live.filter((s) => s.status === 'confirmed');
    const patches = (confirmed.some((s) => s.kind === 'patch') ? confirmed : live).filter(
      (s) => s.kind === 'patch',
    );
    const reboot = live.find((s) => s.kind === 'reboot');
    const wave = d.wave ?? (parent ? details(parent.details).wave : undefined);
    const status = d.deviceDown ? 'Offline' : d.failed.length > 0 ? 'Degraded' : 'Online';
    // The incident's page in the console: what a person opens from a ticket or a page.
    const base = `${this.config.publicUrl}/console/incidents/${incident.id}`;
    const code = (
      ['post-patch-reboot', 'post-patch', 'patch-wave'].includes(incident.cause)
        ? incident.cause
        : 'unknown'
    ) as IncidentView['cause']['code'];
    return {
      id: incident.id,
      key: incident.key,
      state: incident.state,
      title: incident.title,
      client: client ? { name: client.name } : null,
      device: device ? { name: device.name, status } : null,
      cause: { code, label: CAUSE_LABEL[incident.cause] ?? incident.cause },
      confidence: incident.confidence,
      patches: patches.map((p) => ({
        id: p.patchId ?? 'unknown',
        title: p.title,
        installedAt: new Date(p.occurredAt).toISOString(),
      })),
      reboot: reboot ? { at: new Date(reboot.occurredAt).toISOString() } : null,
      failedServices: d.failed,
      recoveredServices: d.recovered,
      ...verificationFindings(d.verification, d.failed),
      verification: d.verification.map((v) => ({
        ...v,
        source: instanceNames[v.source] ?? v.source,
      })),
      suspects: suspects.map((s) => ({
        kind: s.kind,
        patchId: s.patchId,
        title: s.title,
        at: new Date(s.occurredAt).toISOString(),
        status: s.status,
        reasons: s.reasons,
      })),
      timeline: timeline.map((t) => ({ at: new Date(t.at).toISOString(), text: t.text })),
      wave: wave
        ? {
            patchId: wave.patchId,
            devices: wave.devices,
            clients: wave.clients,
            recommendation: wave.recommendation,
          }
        : null,
      links: {
        incident: base,
        // A page a person can open (sign-in, the plan, a confirm button), not an API path.
        rollback:
          patches.length > 0 || wave
            ? `${this.config.publicUrl}/console/incidents/${incident.id}/rollback`
            : null,
      },
      openedAt: new Date(incident.openedAt).toISOString(),
      outageSince: d.outageSince ?? new Date(incident.openedAt).toISOString(),
      resolvedAt: incident.resolvedAt ? new Date(incident.resolvedAt).toISOString() : null,
      ...(change ? { change } : {}),
    };
  }
}
