import type { SeenState } from './solarwinds.cursor';

/**
 * Orion status ids (Orion.StatusInfo; S10, confirm per server): 1 Up, 2 Down. Everything else
 * (Warning, Unknown, Unreachable, Critical thresholds, Unmanaged …) is neither an outage nor a
 * recovery for Switchboard, and leaves the last state standing.
 */
export const STATUS_UP = 1;
export const STATUS_DOWN = 2;

export function statusClass(status: number): 'd' | 'u' | undefined {
  if (status === STATUS_DOWN) return 'd';
  if (status === STATUS_UP) return 'u';
  return undefined;
}

export interface Transition {
  state: 'down' | 'up';
  seq: number;
}

/**
 * Compares what the poll sees with the last state in the cursor, updates the map in place and
 * returns the transition, if any. An entity seen for the first time reports only a `down`
 * (an outage already under way); a first `up` is recorded silently, or every poll of a new
 * instance would report every healthy node as recovered.
 */
export function observe(
  map: Record<string, SeenState>,
  id: number,
  status: number,
  walk: number,
): Transition | undefined {
  const key = String(id);
  const before = map[key];
  const now = statusClass(status);
  if (now === undefined) {
    if (before) before.walk = walk;
    return undefined;
  }
  if (!before) {
    map[key] = { s: now, seq: now === 'd' ? 1 : 0, walk };
    return now === 'd' ? { state: 'down', seq: 1 } : undefined;
  }
  before.walk = walk;
  if (before.s === now) return undefined;
  before.s = now;
  before.seq += 1;
  return { state: now === 'd' ? 'down' : 'up', seq: before.seq };
}

/** Drops entities not seen during the walk that just ended (deleted in Orion). */
export function forgetUnseen(map: Record<string, SeenState>, walk: number): void {
  for (const [id, entry] of Object.entries(map)) if (entry.walk !== walk) delete map[id];
}
