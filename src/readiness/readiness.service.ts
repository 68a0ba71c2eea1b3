import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../access/principal';
import { notFound } from '../common/api-errors';
import { Client } from '../inventory/entities/client.entity';
import { Device } from '../inventory/entities/device.entity';
import { readinessReasons, type DeviceFacts } from './readiness-reasons';

/**
 * Is this machine safe to patch now? Read from what Switchboard knows: the RMM's and the
 * check scripts' reports, open incidents, failed installs, blocked KBs, paused waves.
 */
@Injectable()
export class ReadinessService {
  constructor(private readonly ds: DataSource) {}

  async device(who: Principal, id: string) {
    const device = await this.ds.getRepository(Device).findOneBy({ id });
    if (!device || (who.clientId && device.clientId !== who.clientId)) throw notFound('device', id);
    return this.evaluate(device);
  }

  async client(who: Principal, id: string) {
    const client = await this.ds.getRepository(Client).findOneBy({ id });
    if (!client || (who.clientId && who.clientId !== id)) throw notFound('client', id);
    const devices = await this.ds
      .getRepository(Device)
      .find({ where: { clientId: id }, order: { displayName: 'ASC' } });
    const results = [];
    for (const d of devices) results.push(await this.evaluate(d));
    const notReady = results.filter((r) => !r.ready).length;
    return {
      clientId: id,
      client: client.name,
      ready: notReady === 0,
      summary: { devices: results.length, ready: results.length - notReady, notReady },
      devices: results,
      checkedAt: new Date().toISOString(),
    };
  }

  private async evaluate(device: Device) {
    const facts = await this.facts(device);
    const reasons = readinessReasons(facts);
    return {
      deviceId: device.id,
      device: device.displayName,
      ready: reasons.length === 0,
      reasons,
      lastBootAt: device.lastBootAt ? new Date(device.lastBootAt).toISOString() : null,
      checkedAt: new Date().toISOString(),
    };
  }

  private async facts(d: Device): Promise<DeviceFacts> {
    const q = <T>(sql: string, params: unknown[]) => this.ds.query(sql, params) as Promise<T[]>;
    const [servicesDown, openIncidents, failedPatches, blockedComing, waves, rollbacks] =
      await Promise.all([
        // The latest word on each service: down now, whoever said it.
        q<{ subject: string; at: Date; check: string | null }>(
          `SELECT subject, at, "check" FROM (
             SELECT DISTINCT ON (subject) subject, kind, occurred_at AS at, "check"
               FROM health_event WHERE device_id = $1 AND subject IS NOT NULL AND history = false
                AND kind IN ('service.down', 'service.up')
              ORDER BY subject, occurred_at DESC, id DESC) s WHERE kind = 'service.down'`,
          [d.id],
        ),
        q<{ id: string; title: string; openedAt: Date }>(
          `SELECT id, title, opened_at AS "openedAt" FROM incident
            WHERE device_id = $1 AND state <> 'resolved' ORDER BY opened_at`,
          [d.id],
        ),
        q<{ patchId: string; at: Date }>(
          `SELECT patch_id AS "patchId", at FROM (
             SELECT DISTINCT ON (upper(patch_id)) patch_id, status, occurred_at AS at
               FROM patch_event WHERE device_id = $1 AND patch_id IS NOT NULL
              ORDER BY upper(patch_id), occurred_at DESC, id DESC) p WHERE status = 'failed'`,
          [d.id],
        ),
        q<{ patchId: string; status: string; reason: string }>(
          `SELECT b.patch_id AS "patchId", p.status, b.reason FROM blocked_patch b
             JOIN LATERAL (SELECT status FROM patch_event e WHERE e.device_id = $1
                             AND upper(e.patch_id) = b.patch_id
                           ORDER BY occurred_at DESC, id DESC LIMIT 1) p ON true
            WHERE b.client_id = $2 AND p.status IN ('pending', 'approved', 'installed')`,
          [d.id, d.clientId],
        ),
        // A wave is paused while open; it concerns this device when its KB is here.
        q<{ id: string; patchId: string; devices: number; openedAt: Date }>(
          `SELECT w.id, w.details->'wave'->>'patchId' AS "patchId",
                  COALESCE((w.details->'wave'->>'devices')::int, 0) AS devices,
                  w.opened_at AS "openedAt"
             FROM incident w
            WHERE w.cause = 'patch-wave' AND w.state <> 'resolved'
              AND EXISTS (SELECT 1 FROM patch_event e WHERE e.device_id = $1
                            AND upper(e.patch_id) = upper(w.details->'wave'->>'patchId'))`,
          [d.id],
        ),
        q<{ id: string; patchId: string; state: string; createdAt: Date }>(
          `SELECT id, patch_id AS "patchId", state, created_at AS "createdAt" FROM rollback
            WHERE device_id = $1 AND state IN ('requested', 'awaiting-approval',
                  'waiting-for-device', 'running', 'verifying')`,
          [d.id],
        ),
      ]);
    return {
      name: d.displayName,
      online: d.online,
      lastBootAt: d.lastBootAt,
      rebootPending: d.rebootPending,
      rebootPendingAt: d.rebootPendingAt,
      rebootPendingReason: d.rebootPendingReason,
      servicesDown,
      openIncidents,
      failedPatches,
      blockedComing,
      waves,
      rollbacks,
    };
  }
}
