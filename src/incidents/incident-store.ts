import { randomBytes, randomUUID } from 'node:crypto';
import { type EntityManager, MoreThanOrEqual, Not } from 'typeorm';
import { transactionMemo } from '../common/transaction-memo';
import { DeviceTimeline } from '../inventory/entities/device-timeline.entity';
import { IncidentTimeline } from './entities/incident-timeline.entity';
import { Incident } from './entities/incident.entity';
import type { IncidentDetails } from './incident-details';

/** A short, stable incident key: it is written into tickets and searched for. */
export const newIncidentKey = () => `SB${randomBytes(5).toString('hex').toUpperCase()}`;

export async function lockDevice(m: EntityManager, deviceId: string): Promise<void> {
  // Decisions about one device are serialized across replicas and batches. The lock lasts
  // until the transaction ends, so a batch takes it once per device.
  const held = transactionMemo<true>(m, 'device-lock');
  if (held?.has(deviceId)) return;
  await m.query(`SELECT id FROM device WHERE id = $1 FOR UPDATE`, [deviceId]);
  held?.set(deviceId, true);
}

export function openIncidentOf(m: EntityManager, deviceId: string): Promise<Incident | null> {
  return m.getRepository(Incident).findOne({ where: { deviceId, state: Not('resolved') } });
}

/**
 * The device's open incident or, when it has none, the one resolved since `resolvedSince`
 * (newest first): one statement for what an outage needs to know before anything else.
 */
export async function currentOrRecentOf(
  m: EntityManager,
  deviceId: string,
  resolvedSince: Date,
): Promise<Incident | null> {
  const [found] = await m.getRepository(Incident).find({
    where: [
      { deviceId, state: Not('resolved') },
      { deviceId, state: 'resolved', resolvedAt: MoreThanOrEqual(resolvedSince) },
    ],
    order: { resolvedAt: { direction: 'DESC', nulls: 'FIRST' } },
    take: 1,
  });
  return found ?? null;
}

export async function addTimeline(
  m: EntityManager,
  incidentId: string,
  at: Date,
  kind: string,
  text: string,
  data: Record<string, unknown> = {},
): Promise<string> {
  const row = await m
    .getRepository(IncidentTimeline)
    .save(m.getRepository(IncidentTimeline).create({ incidentId, at, kind, text, data }));
  return row.id;
}

export async function addDeviceTimeline(
  m: EntityManager,
  deviceId: string,
  at: Date,
  kind: string,
  text: string,
  data: Record<string, unknown> = {},
): Promise<void> {
  await m.getRepository(DeviceTimeline).insert({ deviceId, at, kind, text, data });
}

export async function saveDetails(
  m: EntityManager,
  incident: Incident,
  d: IncidentDetails,
  patch: Partial<Incident> = {},
): Promise<Incident> {
  const next = { ...incident, ...patch, details: d, updatedAt: new Date() };
  await m
    .getRepository(Incident)
    .update({ id: incident.id }, { ...patch, details: d, updatedAt: next.updatedAt });
  return next;
}

export async function linkAlert(
  m: EntityManager,
  incidentId: string,
  instanceId: string,
  problemId: string,
): Promise<boolean> {
  const rows: unknown[] = await m.query(
    `INSERT INTO alert_link (id, incident_id, instance_id, problem_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (incident_id, instance_id, problem_id) DO NOTHING RETURNING id`,
    [randomUUID(), incidentId, instanceId, problemId],
  );
  return rows.length > 0;
}
