import { ConnectorError } from '../contract/connector-error';

/**
 * The health pull is one walk through four phases, each keyset-paged:
 *
 *   active     (first walk only) the alerts active now, so an outage older than Switchboard
 *              is known; the history cursor was taken before, so nothing falls in between
 *   history    Orion.AlertHistory triggers and resets after `history`
 *   nodes      node status, compared with `nodes` (the last state seen per NodeID)
 *   components Windows-service component status, compared with `components`
 *
 * The whole walk state lives in the cursor, which the core saves only after the page's records
 * are stored: a crash replays the page with the same transition numbers, so the same dedupe keys.
 */
export type HealthPhase = 'active' | 'history' | 'nodes' | 'components';

/** 'd' down, 'u' up; `seq` counts transitions (part of the dedupe key); `walk` = last seen. */
export interface SeenState {
  s: 'd' | 'u';
  seq: number;
  walk: number;
}

export interface HealthCursor {
  v: 1;
  phase: HealthPhase;
  /** Keyset position inside the phase (the last id of the previous page), "0" at its start. */
  after: number;
  /** Last AlertHistoryID stored. */
  history: number;
  /** Walk number, to drop entities that no longer exist (not seen in a whole walk). */
  walk: number;
  nodes: Record<string, SeenState>;
  components: Record<string, SeenState>;
}

const PHASES: readonly HealthPhase[] = ['active', 'history', 'nodes', 'components'];

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isStateMap(v: unknown): v is Record<string, SeenState> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  return Object.entries(v as Record<string, unknown>).every(([id, e]) => {
    if (!/^\d+$/.test(id) || e === null || typeof e !== 'object') return false;
    const s = e as Record<string, unknown>;
    return (s.s === 'd' || s.s === 'u') && isCount(s.seq) && isCount(s.walk);
  });
}

export function readHealthCursor(text: string): HealthCursor {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const c = value as Partial<HealthCursor> | undefined;
  if (
    !c ||
    typeof c !== 'object' ||
    c.v !== 1 ||
    !PHASES.includes(c.phase as HealthPhase) ||
    !isCount(c.after) ||
    !isCount(c.history) ||
    !isCount(c.walk) ||
    !isStateMap(c.nodes) ||
    !isStateMap(c.components)
  )
    throw ConnectorError.invalid('solarwinds: unreadable health cursor');
  return c as HealthCursor;
}

export function writeHealthCursor(cursor: HealthCursor): string {
  return JSON.stringify(cursor);
}

/** Devices: the last NodeID of the previous page; "0" (or null) starts a full walk. */
export function readDevicesCursor(cursor: string | null): number {
  if (cursor === null) return 0;
  if (!/^\d{1,15}$/.test(cursor))
    throw ConnectorError.invalid('solarwinds: unreadable devices cursor');
  return Number(cursor);
}
