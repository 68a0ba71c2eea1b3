import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { IncidentSuspect } from '../incidents/entities/incident-suspect.entity';
import { IncidentTimeline } from '../incidents/entities/incident-timeline.entity';
import { Incident } from '../incidents/entities/incident.entity';
import { details } from '../incidents/incident-details';
import { Client } from '../inventory/entities/client.entity';
import { Device } from '../inventory/entities/device.entity';
import type { IncidentView } from '../rendering/incident-view';

const CAUSE_LABEL: Record<string, string> = {
  'post-patch-reboot': 'Post-Patch Reboot',
  'post-patch': 'Post-Patch',
  'post-reboot': 'Reboot',
  unknown: 'Unknown',
  'patch-wave': 'Patch Wave',
};

/** The view model templates get: canonical data only, prepared from the stored incident. */
@Injectable()
export class IncidentViewBuilder {
  constructor(private readonly config: AppConfig) {}

  async build(m: EntityManager, incident: Incident, change?: string): Promise<IncidentView> {
    const d = details(incident.details);
    // One transaction is one connection: these run one after the other anyway.
    const client = incident.clientId
      ? await m.getRepository(Client).findOneBy({ id: incident.clientId })
      : null;
    const device = incident.deviceId
      ? await m.getRepository(Device).findOneBy({ id: incident.deviceId })
      : null;
    const suspects = await m
      .getRepository(IncidentSuspect)
      .find({ where: { incidentId: incident.id }, order: { rank: 'ASC' } });
    const timeline = await m
      .getRepository(IncidentTimeline)
      .find({ where: { incidentId: incident.id }, order: { at: 'ASC', id: 'ASC' } });
    const parent = incident.parentId
      ? await m.getRepository(Incident).findOneBy({ id: incident.parentId })
      : null;
    const live = suspects.filter((s) => s.status !== 'rejected');
    const confirmed = live.filter((s) => s.status === 'confirmed');
    const patches = (confirmed.some((s) => s.kind === 'patch') ? confirmed : live).filter(
      (s) => s.kind === 'patch',
    );
    const reboot = live.find((s) => s.kind === 'reboot');
    const wave = d.wave ?? (parent ? details(parent.details).wave : undefined);
    const status = d.deviceDown ? 'Offline' : d.failed.length > 0 ? 'Degraded' : 'Online';
    const base = `${this.config.publicUrl}/api/v1/incidents/${incident.id}`;
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
      device: device ? { name: device.displayName, status } : null,
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
      verification: d.verification,
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
      links: { incident: base, rollback: patches.length > 0 ? `${base}/rollback` : null },
      openedAt: new Date(incident.openedAt).toISOString(),
      resolvedAt: incident.resolvedAt ? new Date(incident.resolvedAt).toISOString() : null,
      ...(change ? { change } : {}),
    };
  }
}
