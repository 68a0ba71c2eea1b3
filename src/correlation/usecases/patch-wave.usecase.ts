import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Incident } from '../../incidents/entities/incident.entity';
import { newIncidentKey } from '../../incidents/incident-store';
import { IncidentLifecycle } from '../../incidents/incident-lifecycle.service';
import { detectWave } from '../rules/patch-wave.rule';
import type { RuleSettings } from '../rules/rule-settings';

/**
 * Groups incidents whose first suspect is the same patch, within the wave period, under one
 * parent incident with a recommendation to pause the patch; children learn of it in notes.
 */
@Injectable()
export class PatchWaveUseCase {
  constructor(private readonly lifecycle: IncidentLifecycle) {}

  async run(
    m: EntityManager,
    incident: Incident,
    patchId: string,
    rules: RuleSettings,
  ): Promise<Incident> {
    const since = new Date(new Date(incident.openedAt).getTime() - rules.waveHours * 3_600_000);
    const hurt: {
      id: string;
      device_id: string;
      client_id: string | null;
      parent_id: string | null;
    }[] = await m.query(
      `SELECT i.id, i.device_id, i.client_id, i.parent_id FROM incident i JOIN incident_suspect s ON s.incident_id = i.id AND s.rank = 1
        WHERE s.patch_id = $1 AND i.opened_at >= $2 AND i.device_id IS NOT NULL`,
      [patchId, since],
    );
    const wave = detectWave(
      { patchId, hurt: hurt.map((h) => ({ deviceId: h.device_id, clientId: h.client_id })) },
      rules,
    );
    if (!wave) return incident;

    const parentKey = `WAVE-${patchId}-${since.toISOString().slice(0, 10)}`;
    const existingParentId = hurt.find((h) => h.parent_id)?.parent_id ?? null;
    let parent = existingParentId
      ? await m.getRepository(Incident).findOneBy({ id: existingParentId })
      : null;
    const title = `Patch wave: ${patchId} on ${wave.devices} devices across ${wave.clients} clients`;
    if (!parent) {
      parent = await this.lifecycle.openWave(
        m,
        {
          id: randomUUID(),
          key: `${parentKey}-${newIncidentKey()}`,
          parentId: null,
          clientId: null,
          deviceId: null,
          state: 'open',
          cause: 'patch-wave',
          title,
          confidence: 0.9,
          details: {
            failed: [],
            recovered: [],
            deviceDown: false,
            evidence: [
              `rule patch-wave: ${wave.devices} devices within ${rules.waveHours} h (threshold ${rules.waveMinDevices})`,
            ],
            rule: {
              name: 'patch-wave',
              settings: { waveHours: rules.waveHours, waveMinDevices: rules.waveMinDevices },
            },
            verification: [],
            wave,
          },
          openedAt: new Date(),
          resolvedAt: null,
          suppressed: false,
        },
        wave,
      );
    } else {
      await this.lifecycle.updateWave(m, parent, title, wave);
    }
    for (const child of hurt) {
      if (child.parent_id === parent.id) continue;
      await this.lifecycle.joinWave(m, child.id, parent, wave, child.id === incident.id);
    }
    return { ...incident, parentId: parent.id };
  }
}
