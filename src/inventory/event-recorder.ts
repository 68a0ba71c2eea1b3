import type { EntityManager } from 'typeorm';
import type { CanonicalEvent } from '../../connectors/contract/canonical';
import { ConnectorError } from '../../connectors/contract/connector-error';
import { EARLIEST_DATE, LATEST_DATE } from '../common/date-range';
import { resolveClient } from './client-resolver';
import { deviceKeys, externalKey } from './device-keys';
import { resolveDevice, type RecentDevices } from './device-matcher';
import { noteBoot, noteDeviceSeen } from './device-state';
import { notePatchState } from './device-patches';
import { HealthEvent } from './entities/health-event.entity';
import { PatchEvent } from './entities/patch-event.entity';
import type { RecordedEvent } from './recorded-event';
import { recordUnmatchedAlert } from './unmatched-alerts';

/** A vendor's broken clock fails its record (kept in the inbox with this reason), not a query. */
function assertStorableDate(at: Date): void {
  const ms = at instanceof Date ? at.getTime() : Number.NaN;
  if (Number.isNaN(ms) || ms < EARLIEST_DATE || ms > LATEST_DATE)
    throw ConnectorError.invalid(
      `occurredAt: ${Number.isNaN(ms) ? 'not a date' : at.toISOString()} is outside 1970–9999`,
    );
}

/** Stores canonical events: clients and devices resolved, patch and health facts kept. */
export async function recordEvents(
  m: EntityManager,
  instanceId: string,
  inboxId: string | null,
  events: CanonicalEvent[],
): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  const recent: RecentDevices = new Map();
  for (const e of events) {
    if ('occurredAt' in e && e.occurredAt !== undefined) assertStorableDate(e.occurredAt);
    if (e.type === 'client') {
      await resolveClient(m, instanceId, e.client);
      continue;
    }
    const client = await resolveClient(m, instanceId, e.client);
    const clientId = client?.id ?? null;
    if (e.type === 'ticket') {
      const device = e.device
        ? await resolveDevice(m, instanceId, e.device, { clientId }, recent)
        : null;
      out.push({
        type: 'ticket',
        instanceId,
        device,
        clientId: clientId ?? device?.clientId ?? null,
        ticket: e,
      });
      continue;
    }
    if (e.type === 'health' && externalKey(e.device, deviceKeys(e.device)) === null) {
      // An alert on no device is kept for a person to map, never correlated nor dropped.
      await recordUnmatchedAlert(m, instanceId, inboxId, e, clientId);
      continue;
    }
    const device = await resolveDevice(
      m,
      instanceId,
      e.device,
      {
        clientId,
        ...(e.type === 'device' ? { displayName: e.displayName, role: e.role, os: e.os } : {}),
      },
      recent,
    );
    // These change the device row behind the entity just resolved: resolve it afresh next.
    if (e.type === 'device' && (await noteDeviceSeen(m, device.id, e, new Date()))) recent.clear();
    else if (e.type === 'reboot') {
      await noteBoot(m, device.id, e.occurredAt);
      recent.clear();
    }
    const common = {
      deviceId: device.id,
      clientId: device.clientId,
      instanceId,
      inboxId,
      sourceId: e.sourceId ?? null,
      message: 'message' in e ? (e.message ?? null) : null,
    };
    if (e.type === 'patch' || e.type === 'reboot') {
      const row = m.getRepository(PatchEvent).create({
        ...common,
        patchId: e.type === 'patch' ? e.patchId : null,
        title: e.type === 'patch' ? (e.title ?? null) : null,
        severity: e.type === 'patch' ? (e.severity ?? null) : null,
        category: e.type === 'patch' ? (e.category ?? null) : null,
        status: e.type === 'patch' ? e.status : 'rebooted',
        rebootRequired: e.type === 'patch' ? (e.rebootRequired ?? null) : null,
        occurredAt: e.occurredAt,
      });
      // insert(), not save(): one INSERT … RETURNING fills the id and defaults into the row.
      await m.getRepository(PatchEvent).insert(row);
      const saved = row;
      await notePatchState(m, saved);
      out.push({ type: 'patch', instanceId, device, event: saved });
    } else if (e.type === 'health') {
      const row = m.getRepository(HealthEvent).create({
        ...common,
        kind: e.kind,
        subject: e.subject ?? null,
        severity: e.severity ?? null,
        problemId: e.problemId ?? null,
        origin: e.origin ?? 'monitoring',
        check: e.check ?? null,
        history: e.history ?? false,
        occurredAt: e.occurredAt,
      });
      await m.getRepository(HealthEvent).insert(row);
      const saved = row;
      out.push({ type: 'health', instanceId, device, event: saved });
    }
  }
  return out;
}
