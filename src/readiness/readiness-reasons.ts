/** Why a device is not safe to patch now; each reason names what to do about it. */
export interface ReadinessReason {
  code:
    | 'pending-reboot'
    | 'offline'
    | 'service-down'
    | 'open-incident'
    | 'failed-patch'
    | 'blocked-patch'
    | 'paused-wave'
    | 'rollback-under-way';
  detail: string;
  since: string | null;
}

/** What the readiness gate reads of one device. */
export interface DeviceFacts {
  name: string;
  online: boolean | null;
  lastBootAt: Date | null;
  rebootPending: boolean | null;
  rebootPendingAt: Date | null;
  rebootPendingReason: string | null;
  servicesDown: { subject: string; at: Date; check: string | null }[];
  openIncidents: { id: string; title: string; openedAt: Date }[];
  failedPatches: { patchId: string; at: Date }[];
  /** Blocked KBs that are waiting to be installed (or were installed again) on this device. */
  blockedComing: { patchId: string; status: string; reason: string }[];
  waves: { id: string; patchId: string; devices: number; openedAt: Date }[];
  rollbacks: { id: string; patchId: string; state: string; createdAt: Date }[];
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** Pure: every reason the device is not ready; none means ready. */
export function readinessReasons(f: DeviceFacts): ReadinessReason[] {
  const out: ReadinessReason[] = [];
  // A flag reported before the last boot is stale: that boot finished the pending work.
  const staleFlag =
    f.rebootPendingAt !== null &&
    f.lastBootAt !== null &&
    new Date(f.lastBootAt).getTime() > new Date(f.rebootPendingAt).getTime();
  if (f.rebootPending && !staleFlag)
    out.push({
      code: 'pending-reboot',
      detail: `${f.name} waits for a reboot${f.rebootPendingReason ? ` (${f.rebootPendingReason})` : ''}: reboot it before the next cycle`,
      since: iso(f.rebootPendingAt),
    });
  if (f.online === false)
    out.push({ code: 'offline', detail: `${f.name} is offline`, since: null });
  for (const s of f.servicesDown)
    out.push({
      code: 'service-down',
      detail: `critical service ${s.subject} is down${s.check ? ` (${s.check})` : ''}`,
      since: iso(s.at),
    });
  for (const i of f.openIncidents)
    out.push({
      code: 'open-incident',
      detail: `open incident: ${i.title}`,
      since: iso(i.openedAt),
    });
  for (const p of f.failedPatches)
    out.push({
      code: 'failed-patch',
      detail: `${p.patchId} failed to install and has not been resolved`,
      since: iso(p.at),
    });
  for (const b of f.blockedComing)
    out.push({
      code: 'blocked-patch',
      detail:
        b.status === 'installed'
          ? `${b.patchId} is blocked for this client (${b.reason}) but is installed again`
          : `${b.patchId} is blocked for this client (${b.reason}) and is ${b.status} here: exclude it from the cycle`,
      since: null,
    });
  for (const w of f.waves)
    out.push({
      code: 'paused-wave',
      detail: `patch wave ${w.patchId} is paused (${w.devices} devices affected)`,
      since: iso(w.openedAt),
    });
  for (const r of f.rollbacks)
    out.push({
      code: 'rollback-under-way',
      detail: `rollback of ${r.patchId} is ${r.state}`,
      since: iso(r.createdAt),
    });
  return out;
}
