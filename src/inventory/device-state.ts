import type { EntityManager } from 'typeorm';
import type { DeviceSeen } from '../../connectors/contract/canonical';

/**
 * What readiness and rollback need to know of a device now: online or not (as the RMM's agent
 * reports it: a server monitoring cannot ping may still run a script), when it last
 * booted, whether it waits for a reboot. Each value moves only forward in time, so a late
 * delivery of an older report never overwrites a newer one. Says whether it wrote to the row.
 */
export async function noteDeviceSeen(
  m: EntityManager,
  deviceId: string,
  e: DeviceSeen,
  now: Date,
): Promise<boolean> {
  const at = e.occurredAt ?? now;
  if (e.online !== undefined) await noteOnline(m, deviceId, e.online, at);
  if (e.lastBootAt) await noteBoot(m, deviceId, e.lastBootAt);
  if (e.rebootPending) {
    const reason = e.rebootPending.check
      ? `${e.rebootPending.check}: ${e.rebootPending.reason ?? 'reboot pending'}`
      : (e.rebootPending.reason ?? null);
    await m.query(
      // A flag reported again keeps the time it was first seen (a tool that says "pending"
      // every day would otherwise never let it age), unless the device booted in between.
      `UPDATE device SET reboot_pending = $2,
              reboot_pending_at = CASE
                WHEN reboot_pending AND $2 AND (last_boot_at IS NULL OR last_boot_at <= reboot_pending_at)
                THEN reboot_pending_at ELSE $3 END,
              reboot_pending_reason = $4
        WHERE id = $1 AND (reboot_pending_at IS NULL OR reboot_pending_at <= $3)`,
      [deviceId, e.rebootPending.pending, at, e.rebootPending.pending ? reason : null],
    );
  }
  return e.online !== undefined || Boolean(e.lastBootAt) || Boolean(e.rebootPending);
}

async function noteOnline(
  m: EntityManager,
  deviceId: string,
  online: boolean,
  at: Date,
): Promise<void> {
  await m.query(
    `UPDATE device SET online = $2, online_at = $3
      WHERE id = $1 AND (online_at IS NULL OR online_at <= $3)`,
    [deviceId, online, at],
  );
}

/** A reboot seen, or a boot time reported: the device booted then. */
export async function noteBoot(m: EntityManager, deviceId: string, at: Date): Promise<void> {
  await m.query(
    `UPDATE device SET last_boot_at = $2 WHERE id = $1 AND (last_boot_at IS NULL OR last_boot_at < $2)`,
    [deviceId, at],
  );
}
