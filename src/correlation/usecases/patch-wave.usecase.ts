import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Incident } from '../../incidents/entities/incident.entity';
import { details } from '../../incidents/incident-details';
import { addTimeline, newIncidentKey } from '../../incidents/incident-store';
import { IncidentNotifier } from '../../incidents/incident-notifier';
import { detectWave } from '../rules/patch-wave.rule';
import type { RuleSettings } from '../rules/rule-settings';

/**
 * Groups incidents whose first suspect is the same patch, within the wave period, under one
 * parent incident with a recommendation to pause the patch; children learn of it in notes.
 */
@Injectable()
export class PatchWaveUseCase {
  constructor(private readonly notifier: IncidentNotifier) {}

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
    const now = new Date();
    if (!parent) {
      parent = m.getRepository(Incident).create({
        id: randomUUID(),
        key: `${parentKey}-${newIncidentKey()}`,
        parentId: null,
        clientId: null,
        deviceId: null,
        state: 'open',
        cause: 'patch-wave',
        title: `Patch wave: ${patchId} on ${wave.devices} devices across ${wave.clients} clients`,
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
        openedAt: now,
        resolvedAt: null,
        updatedAt: now,
        suppressed: false,
      });
      await m.getRepository(Incident).insert(parent);
      await addTimeline(m, parent.id, now, 'opened', `${wave.recommendation}`, { wave });
    } else {
      await m.getRepository(Incident).update(
        { id: parent.id },
        {
          title: `Patch wave: ${patchId} on ${wave.devices} devices across ${wave.clients} clients`,
          details: { ...details(parent.details), wave },
          updatedAt: now,
        },
      );
    }
    for (const child of hurt) {
      if (child.parent_id === parent.id) continue;
      await m.getRepository(Incident).update({ id: child.id }, { parentId: parent.id });
      await addTimeline(m, parent.id, now, 'child', `Incident ${child.id} joined the wave.`, {
        incidentId: child.id,
      });
      if (child.id === incident.id) continue;
      // Children opened before the wave formed learn of it on their ticket.
      const sibling = await m.getRepository(Incident).findOneByOrFail({ id: child.id });
      const decision = await addTimeline(m, sibling.id, now, 'wave', wave.recommendation, {
        parentId: parent.id,
      });
      await this.notifier.updated(
        m,
        sibling,
        decision,
        `Part of a patch wave: ${wave.recommendation}`,
      );
    }
    return { ...incident, parentId: parent.id };
  }
}
